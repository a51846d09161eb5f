/** NATS subject filters, as the in-memory stores match them: `*` is one token, a last `>` one or more. */

export function subjectMatches(filter: string, subject: string): boolean {
  const want = filter.split('.');
  const have = subject.split('.');
  for (let index = 0; index < want.length; index++) {
    if (want[index] === '>') return index === want.length - 1 && have.length > index;
    if (index >= have.length) return false;
    if (want[index] !== '*' && want[index] !== have[index]) return false;
  }
  return want.length === have.length;
}
