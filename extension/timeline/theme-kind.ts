import type { ThemeKind } from '../../webview/src/protocol';

/**
 * VS Code's `ColorThemeKind` (1 Light, 2 Dark, 3 HighContrast, 4 HighContrastLight) as the
 * webview's ThemeKind. Takes the number, not the enum, so it is testable without `vscode`; an
 * unknown future kind falls back to dark, the workbench default.
 */
export function themeKindOf(kind: number): ThemeKind {
  switch (kind) {
    case 1:
      return 'light';
    case 3:
      return 'high-contrast';
    case 4:
      return 'high-contrast-light';
    default:
      return 'dark';
  }
}
