// A rule of the ledger refused an operation; the message is Vietnamese first, English beside it.
export class LedgerRuleError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly messageEn: string,
  ) {
    super(message);
    this.name = 'LedgerRuleError';
  }
}
