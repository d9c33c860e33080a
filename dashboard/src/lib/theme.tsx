import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

export type Theme = "light" | "dark";
const KEY = "pmml-theme";

function initialTheme(): Theme {
  const set = document.documentElement.dataset.theme;
  if (set === "dark" || set === "light") return set;
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

const ThemeContext = createContext<{ theme: Theme; toggle: () => void }>({
  theme: "light",
  toggle: () => {},
});

export function ThemeProvider({ children }: { children: ReactNode }) {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    try {
      localStorage.setItem(KEY, theme);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
  }, [theme]);
  const toggle = useCallback(() => setTheme((t) => (t === "dark" ? "light" : "dark")), []);
  const value = useMemo(() => ({ theme, toggle }), [theme, toggle]);
  return <ThemeContext.Provider value={value}>{children}</ThemeContext.Provider>;
}

export function useTheme() {
  return useContext(ThemeContext);
}

/** Chart colours for the current theme (SVG attributes cannot read CSS variables reliably). */
export function useChartColors() {
  const { theme } = useTheme();
  return theme === "dark"
    ? { grid: "#2a3342", axis: "#8b98ab", text: "#d6dde8", tooltip: "#161c26", series: ["#5aa9ff", "#3ddc97", "#ff6b6b", "#ffc857", "#b48cff", "#4dd0e1"] }
    : { grid: "#e3e8ef", axis: "#5b6676", text: "#1b2330", tooltip: "#ffffff", series: ["#1f6feb", "#1a9f5f", "#d73a49", "#d4a017", "#7c4dff", "#0097a7"] };
}
