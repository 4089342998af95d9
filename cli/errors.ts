/** Failures the CLI itself reports (a rejected upload, a failed video): code, message and hint like API errors. */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
