# polymarket-ml: one image for every Python service of docker-compose.yml.
# Stage 1 builds the dashboard; stage 2 installs the locked Python dependencies and the package.

FROM node:20-bookworm-slim AS dashboard
WORKDIR /build/dashboard
COPY dashboard/package.json dashboard/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY dashboard/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PMML_DATA_DIR=/data
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY pyproject.toml setup.py README.md executor_config.yaml ./
COPY src/ src/
# gcc builds the C accelerators of the market channel, then goes: the image keeps the .so files
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && pip install --no-cache-dir --no-deps --no-build-isolation . \
    && python -c "import polymarket_ml.core._orderbook_c, polymarket_ml.sources.polymarket._parse_c" \
    && apt-get purge -y gcc libc6-dev && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
COPY --from=dashboard /build/dashboard/dist /app/dashboard/dist
RUN useradd --create-home --uid 10001 pmml && mkdir -p /data && chown pmml /data
USER pmml
VOLUME ["/data"]
CMD ["pmml", "--help"]
