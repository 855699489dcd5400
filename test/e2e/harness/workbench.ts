import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import type { VsCodeServer } from './code-server';

export const ARTIFACTS_DIR = resolve(import.meta.dirname, '../../../.test-artifacts/e2e');

/** Debian's chromium with the flags that work on these machines (shared/E2E-VSCODE.md). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.AIRLOCK_E2E_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Drives one VS Code window as a user would: keyboard, clicks, and what is on screen. */
export class Workbench {
  private constructor(
    readonly page: Page,
    private readonly browser: Browser,
  ) {}

  /** Opens `folder` in the workbench of `server` and waits until the workbench is up. */
  static async open(server: VsCodeServer, folder?: string): Promise<Workbench> {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const url = folder ? `${server.url}/?folder=${encodeURIComponent(folder)}` : server.url;
      await page.goto(url);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await page.locator('.statusbar').waitFor({ timeout: 60_000 });
      return new Workbench(page, browser);
    } catch (e) {
      await browser.close();
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  // --- quick input and commands -------------------------------------------------------------

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  private get quickInputBox(): Locator {
    return this.quickInput.locator('.quick-input-box input');
  }

  /**
   * Takes keyboard focus out of any webview with a click on the title bar's empty left end: a
   * click in the editor area would land on whatever a webview shows there (a timeline row).
   */
  async focusWorkbench(): Promise<void> {
    await this.page
      .locator('.part.titlebar')
      .click({ position: { x: 150, y: 10 }, force: true })
      .catch(() => {});
  }

  /**
   * Runs a command by its palette title (e.g. "Airlock: Start Agent Task…") through F1. An editor
   * that focuses itself once loaded (the walkthrough page does) can close the palette while we
   * type; only then is it opened again.
   */
  async runCommand(title: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.dismissQuickInput();
      await this.focusWorkbench();
      await this.page.keyboard.press('F1');
      try {
        await this.quickInputBox.waitFor({ state: 'visible' });
        await this.quickInputBox.fill(`>${title}`, { timeout: 5_000 });
        const row = this.quickInputRow(title);
        await row.waitFor({ state: 'visible', timeout: 15_000 });
        await row.click();
        return;
      } catch (e) {
        if (attempt === 3 || (await this.quickInput.isVisible())) throw e;
      }
    }
  }

  /** A row of the open quick pick whose label contains `label`. */
  quickInputRow(label: string | RegExp): Locator {
    return this.quickInput.locator('.monaco-list-row').filter({ hasText: label }).first();
  }

  /** Waits for a quick input whose title, prompt, placeholder or rows match `text`. */
  async waitForQuickInput(text: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = '';
    while (Date.now() < deadline) {
      if (await this.quickInput.isVisible()) {
        seen = `${await this.quickInput.innerText()} ${(await this.quickInputBox.getAttribute('placeholder')) ?? ''}`;
        if (text.test(seen)) return;
      }
      await this.page.waitForTimeout(100);
    }
    throw new Error(`no quick input matching ${String(text)}; last seen: ${seen || '(none)'}`);
  }

  /** Types into the open input box (replacing what is there) and presses Enter. */
  async answerInput(value: string): Promise<void> {
    await this.quickInputBox.waitFor({ state: 'visible' });
    await this.quickInputBox.fill(value);
    await this.page.keyboard.press('Enter');
  }

  /**
   * Answers VS Code's own (simple) file dialog with an absolute path. The dialog fills in its
   * default path after it opens; typing before that would be overwritten, so wait for it, type,
   * check the box holds our path, then accept.
   */
  async answerFileDialog(path: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await this.quickInputBox.waitFor({ state: 'visible', timeout: timeoutMs });
    while (Date.now() < deadline && (await this.quickInputBox.inputValue()) === '')
      await this.page.waitForTimeout(100);
    while (Date.now() < deadline) {
      await this.quickInputBox.fill(path);
      await this.page.waitForTimeout(300);
      if ((await this.quickInputBox.inputValue()) === path) break;
    }
    await this.page.keyboard.press('Enter');
    await this.quickInput.waitFor({ state: 'hidden', timeout: Math.max(1000, deadline - Date.now()) });
  }

  /** Picks the row labelled `label` in the open quick pick. */
  async pick(label: string | RegExp): Promise<void> {
    const row = this.quickInputRow(label);
    await row.waitFor({ state: 'visible' });
    await row.click();
  }

  async dismissQuickInput(): Promise<void> {
    if (await this.quickInput.isVisible()) await this.page.keyboard.press('Escape');
  }

  // --- notifications ------------------------------------------------------------------------

  /** The visible toast whose text matches `text`. */
  toast(text: string | RegExp): Locator {
    return this.page.locator('.notification-toast').filter({ hasText: text }).first();
  }

  /** Texts of all visible toasts. */
  async toastTexts(): Promise<string[]> {
    return this.page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
  }

  /** Clicks the button or link labelled `label` in the toast that matches `text`. */
  async clickInToast(text: string | RegExp, label: string): Promise<void> {
    const toast = this.toast(text);
    await toast.waitFor({ state: 'visible' });
    const target = toast
      .locator('.monaco-button, a')
      .filter({ hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) })
      .first();
    await target.click();
  }

  // --- status bar ---------------------------------------------------------------------------

  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.statusbar-item').filter({ hasText: text }).first();
  }

  // --- terminal -----------------------------------------------------------------------------

  /** The active terminal's text, as rendered (DOM renderer). */
  async terminalText(): Promise<string> {
    const rows = this.page.locator('.terminal-wrapper.active .xterm-rows');
    if ((await rows.count()) === 0) return '';
    return rows.first().innerText();
  }

  /** Focuses the active terminal and types a line (Enter included). */
  async typeInTerminal(line: string): Promise<void> {
    const term = this.page.locator('.terminal-wrapper.active .xterm').first();
    await term.waitFor({ state: 'visible' });
    await term.click();
    await this.page.keyboard.type(line);
    await this.page.keyboard.press('Enter');
  }

  /** Waits until the active terminal shows a prompt (the shell is ready for input). */
  async waitForTerminalPrompt(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (/[$#>] *$/.test((await this.terminalText()).trimEnd() + ' ')) return;
      await this.page.waitForTimeout(200);
    }
    throw new Error(`no shell prompt in the terminal; it shows:\n${await this.terminalText()}`);
  }

  /** Names of the open terminals, from the terminal tabs list or the single-terminal title. */
  async terminalNames(): Promise<string[]> {
    const tabs = await this.page
      .locator('.terminal-tabs-entry .monaco-highlighted-label, .single-terminal-tab')
      .allInnerTexts();
    return tabs.map((t) => t.trim()).filter((t) => t.length > 0);
  }

  // --- artefacts ----------------------------------------------------------------------------

  /** Saves a PNG under .test-artifacts/e2e/ (of `target` only, when given) and returns its path. */
  async screenshot(name: string, target?: Locator): Promise<string> {
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    const path = join(ARTIFACTS_DIR, `${name}.png`);
    if (target) await target.screenshot({ path });
    else await this.page.screenshot({ path });
    return path;
  }
}
