// Ends a jest run with the plain line CI reads: "N passed, N failed" (and skipped when any).
// Written at process exit so it follows jest's own summary.
export default class ClosingLine {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed`;
    process.once('exit', () => process.stderr.write(`${skipped ? `${line}, ${skipped} skipped` : line}\n`));
  }
}
