"""Live trading's secrets and the checks that refuse a live start (no I/O but reading the key file).

The wallet's private key comes from ``PMML_PRIVATE_KEY`` or from the file named by
``PMML_PRIVATE_KEY_FILE`` (exactly one of them; the file must not be readable by every user).
The CLOB L2 API key comes from ``PMML_CLOB_API_KEY``/``_SECRET``/``_PASSPHRASE`` (all three) or,
when none is set, is derived by the SDK at connection (L1, ``polymarket-api.md`` §4.1).

Secrets stay inside :class:`LiveCredentials`: its ``repr`` and ``str`` show the public signer
and wallet addresses and where the key came from, never a secret, and no error message quotes
one. Nothing here stores or logs them.

:func:`sdk_environment` points the official SDK at the hosts of ``PMML_CLOB_URL`` etc. (the
simulator) when they differ from production, so live mode can run against the simulator
through settings alone; :func:`check_live_config` refuses a live start whose configuration
looks wrong, naming every problem at once.
"""

from __future__ import annotations

import dataclasses
import re
import stat
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from eth_account import Account
from polymarket import PRODUCTION, Environment
from polymarket._internal.environment import PRODUCTION_CONFIG, create_environment
from polymarket.models.clob.api_key import ApiKeyCreds
from pydantic import SecretStr

from polymarket_ml.core.enums import ExecutionMode
from polymarket_ml.core.errors import ConfigError
from polymarket_ml.executor.config import ExecutorConfig
from polymarket_ml.settings import Settings, SourceSettings

_KEY_PATTERN = re.compile(r"^(0x)?[0-9a-fA-F]{64}$")
_ADDRESS_PATTERN = re.compile(r"^0x[0-9a-fA-F]{40}$")
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
_MAX_KEY_FILE_BYTES = 4096


@dataclass(frozen=True, slots=True)
class LiveCredentials:
    """The signing key, the wallet it trades for and (optionally) the L2 API key.

    ``wallet_address`` is the funder (maker) of every order; by default the signer's own
    address (an EOA wallet, signature type 0), which needs no relayer and deploys nothing.
    """

    private_key: SecretStr = field(repr=False)
    signer_address: str
    wallet_address: str
    key_source: str  # "PMML_PRIVATE_KEY" or "PMML_PRIVATE_KEY_FILE=<path>"
    api_creds: ApiKeyCreds | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        api = "given" if self.api_creds is not None else "derived at connection"
        return (
            f"LiveCredentials(signer={self.signer_address}, wallet={self.wallet_address}, "
            f"key from {self.key_source}, api key {api})"
        )

    __str__ = __repr__

    def secrets(self) -> tuple[str, ...]:
        """Every secret string held (for redaction and the tests that prove it never leaks)."""
        found = [self.private_key.get_secret_value()]
        found.append(found[0].removeprefix("0x"))
        if self.api_creds is not None:
            found += [self.api_creds.key, self.api_creds.secret, self.api_creds.passphrase]
        return tuple(s for s in found if s)


def load_live_credentials(
    settings: Settings, *, wallet_address: str | None = None
) -> LiveCredentials:
    """Read the private key and API credentials from ``settings``; :class:`ConfigError` if
    they are missing, ambiguous, malformed, or the key file is readable by every user.

    Reads the key file when ``PMML_PRIVATE_KEY_FILE`` is set.
    """
    ex = settings.executor
    if ex.private_key is not None and ex.private_key_file is not None:
        raise ConfigError(
            "PMML_PRIVATE_KEY and PMML_PRIVATE_KEY_FILE are both set: set only one of them"
            " (the file is preferred: it keeps the key out of the process environment)"
        )
    if ex.private_key is not None:
        raw, source = ex.private_key.get_secret_value(), "PMML_PRIVATE_KEY"
    elif ex.private_key_file is not None:
        raw, source = (
            _read_key_file(ex.private_key_file),
            f"PMML_PRIVATE_KEY_FILE={ex.private_key_file}",
        )
    else:
        raise ConfigError(
            "live mode needs the wallet's private key: set PMML_PRIVATE_KEY_FILE to a file"
            " holding it (chmod 600) or PMML_PRIVATE_KEY; or set mode: paper in"
            " executor_config.yaml"
        )
    key = raw.strip()
    if not _KEY_PATTERN.match(key) or int(key.removeprefix("0x"), 16) == 0:
        raise ConfigError(
            f"{source}: not a private key (expected 64 hexadecimal digits, optionally after"
            " 0x; the value is not shown)"
        )
    key = key if key.startswith("0x") else "0x" + key
    try:
        signer = str(Account.from_key(key).address)
    except Exception:  # never chain: the exception may quote the key
        raise ConfigError(f"{source}: not a valid secp256k1 private key") from None
    if wallet_address is not None and not _ADDRESS_PATTERN.match(wallet_address):
        raise ConfigError(f"wallet address {wallet_address!r} is not a 0x-prefixed address")
    return LiveCredentials(
        private_key=SecretStr(key),
        signer_address=signer,
        wallet_address=wallet_address or signer,
        key_source=source,
        api_creds=_api_creds(settings),
    )


def _read_key_file(path: Path) -> str:
    where = f"PMML_PRIVATE_KEY_FILE={path}"
    try:
        info = path.stat()
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read it ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"{where}: not a regular file")
    if info.st_mode & (stat.S_IROTH | stat.S_IWOTH):
        mode = stat.S_IMODE(info.st_mode)
        raise ConfigError(
            f"{where}: the key file is accessible to every user (mode {mode:04o});"
            f" run `chmod 600 {path}`"
        )
    if info.st_size > _MAX_KEY_FILE_BYTES:
        raise ConfigError(f"{where}: {info.st_size} bytes is too large for a private key file")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise ConfigError(f"{where}: cannot read it as text") from None


def _api_creds(settings: Settings) -> ApiKeyCreds | None:
    ex = settings.executor
    values = {
        "PMML_CLOB_API_KEY": ex.clob_api_key,
        "PMML_CLOB_API_SECRET": ex.clob_api_secret,
        "PMML_CLOB_API_PASSPHRASE": ex.clob_api_passphrase,
    }
    given = [name for name, value in values.items() if value is not None]
    if not given:
        return None
    if len(given) != len(values):
        missing = ", ".join(name for name in values if name not in given)
        raise ConfigError(
            f"CLOB API credentials are incomplete: {missing} not set; set all three or none"
            " (then the key is derived from the wallet)"
        )
    key, secret, passphrase = (v.get_secret_value() for v in values.values() if v is not None)
    return ApiKeyCreds.model_validate({"apiKey": key, "secret": secret, "passphrase": passphrase})


# ---- the SDK environment ----------------------------------------------------------------------


def _production_urls() -> dict[str, str]:
    return {
        "PMML_CLOB_URL": PRODUCTION_CONFIG.clob_url,
        "PMML_GAMMA_URL": PRODUCTION_CONFIG.gamma_url,
        "PMML_DATA_API_URL": PRODUCTION_CONFIG.data_url,
        "PMML_WS_MARKET_URL": PRODUCTION_CONFIG.clob_market_ws_url,
        "PMML_WS_USER_URL": PRODUCTION_CONFIG.clob_user_ws_url,
    }


def _our_urls(sources: SourceSettings) -> dict[str, str]:
    return {
        "PMML_CLOB_URL": sources.clob_url,
        "PMML_GAMMA_URL": sources.gamma_url,
        "PMML_DATA_API_URL": sources.data_api_url,
        "PMML_WS_MARKET_URL": sources.ws_market_url,
        "PMML_WS_USER_URL": sources.ws_user_url,
    }


def _same(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


def is_production(sources: SourceSettings) -> bool:
    """Whether every exchange URL of ``sources`` is the real Polymarket's."""
    prod = _production_urls()
    return all(_same(url, prod[name]) for name, url in _our_urls(sources).items())


def sdk_environment(settings: Settings) -> Environment:
    """The SDK's production environment, or one on our URLs when they differ (the simulator).

    The relayer and RPC of a custom environment point at the CLOB's host too (they answer 404
    on the simulator), so a test setup can never reach the real network or chain.
    """
    s = settings.sources
    if is_production(s):
        return PRODUCTION
    parts = urlsplit(s.clob_url)
    base = f"{parts.scheme}://{parts.netloc}"
    config = dataclasses.replace(
        PRODUCTION_CONFIG,
        clob_url=s.clob_url.rstrip("/"),
        gamma_url=s.gamma_url.rstrip("/"),
        data_url=s.data_api_url.rstrip("/"),
        clob_market_ws_url=s.ws_market_url,
        clob_user_ws_url=s.ws_user_url,
        relayer_url=f"{base}/relayer",
        rpc_url=f"{base}/rpc",
    )
    return create_environment(name="pmml-custom", config=config)


# ---- refusing a live start --------------------------------------------------------------------


def check_live_config(
    settings: Settings,
    config: ExecutorConfig,
    *,
    balance_usd: Decimal | None = None,
    wallet_address: str | None = None,
) -> LiveCredentials:
    """The credentials of a live start, or :class:`ConfigError` naming every problem found.

    Refuses: a mode other than live; a missing, doubled or malformed key, or a key file every
    user can read; an incomplete API key; exchange URLs that mix production with another host,
    or send signed orders over plain HTTP to anything but this machine; and, once the
    wallet's pUSD ``balance_usd`` is known, an empty wallet or a ``risk.max_position_usd``
    larger than it.
    """
    problems: list[str] = []
    credentials: LiveCredentials | None = None
    if config.mode is not ExecutionMode.LIVE:
        problems.append(f"mode: {config.mode.value} in executor_config.yaml; live needs mode: live")
    try:
        credentials = load_live_credentials(settings, wallet_address=wallet_address)
    except ConfigError as exc:
        problems.append(str(exc))
    problems += url_problems(settings.sources)
    if balance_usd is not None:
        problems += balance_problems(config, balance_usd)
    if problems:
        raise ConfigError("refusing to start live trading:\n  " + "\n  ".join(problems))
    assert credentials is not None
    return credentials


def url_problems(sources: SourceSettings) -> list[str]:
    """Exchange URLs that look wrong for live trading (pure)."""
    ours = _our_urls(sources)
    prod = _production_urls()
    problems = []
    on_prod = {name: _same(url, prod[name]) for name, url in ours.items()}
    trading = ("PMML_CLOB_URL", "PMML_WS_USER_URL")
    if on_prod[trading[0]] != on_prod[trading[1]]:
        problems.append(
            f"PMML_CLOB_URL={ours[trading[0]]} and PMML_WS_USER_URL={ours[trading[1]]} point at"
            " different exchanges: fills of orders placed on one would never be heard of"
        )
    for name in trading:
        parts = urlsplit(ours[name])
        secure = parts.scheme in ("https", "wss")
        if not secure and (parts.hostname or "") not in _LOOPBACK:
            problems.append(
                f"{name}={ours[name]}: live trading sends signed orders and API credentials;"
                " use https/wss (plain http/ws only to a simulator on this machine)"
            )
    return problems


def balance_problems(config: ExecutorConfig, balance_usd: Decimal) -> list[str]:
    """Risk limits the wallet's pUSD balance cannot back (pure)."""
    if balance_usd <= 0:
        return [f"the wallet holds {balance_usd} pUSD: nothing to trade with"]
    if config.risk.max_position_usd > balance_usd:
        return [
            f"risk.max_position_usd ({config.risk.max_position_usd}) is larger than the"
            f" wallet's balance ({balance_usd} pUSD): lower it, or fund the wallet"
        ]
    return []
