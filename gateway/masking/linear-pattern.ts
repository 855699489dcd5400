import { parseRegex, PatternError } from './regex-parse';
import { compileProgram, type Program } from './regex-program';
import { PikeVm } from './regex-vm';

export { PatternError } from './regex-parse';

/** Steps the matcher may spend per code unit of a value (plus a fixed allowance) before giving up. */
const STEPS_PER_UNIT = 128;
const STEPS_BASE = 1 << 16;

/**
 * A workspace mask-rule pattern, run by a linear-time matcher instead of V8's backtracking engine:
 * a pattern from a policy file can never stall the gateway, whatever the body it is run on.
 */
export class LinearPattern {
  private readonly vm: PikeVm;

  private constructor(
    readonly source: string,
    program: Program,
  ) {
    this.vm = new PikeVm(program);
  }

  /**
   * Compiles `pattern` (JavaScript syntax, no flags). Throws PatternError, with a message for the
   * policy's author, for invalid syntax and for what cannot run in linear time (backreferences,
   * lookarounds, very large counted repetitions).
   */
  static compile(pattern: string): LinearPattern {
    try {
      new RegExp(pattern);
    } catch (e) {
      throw new PatternError((e as Error).message.replace(/^Invalid regular expression: /, ''));
    }
    return new LinearPattern(pattern, compileProgram(parseRegex(pattern)));
  }

  /**
   * Replaces every match. Returns undefined when matching this value would cost more than a
   * bounded multiple of its length: the caller then treats the whole value as a match.
   */
  replace(
    text: string,
    fn: (match: string) => string,
  ): { readonly text: string; readonly count: number } | undefined {
    return this.vm.replaceAll(text, fn, STEPS_BASE + STEPS_PER_UNIT * text.length);
  }
}
