// Step 6, retrieve: hybrid lexical + dense candidates for one part (features only; the select step
// decides). Cached on the part, so the claims step and this step share one retrieval.
import type { PartState, State, Step } from '../pipeline.js';

export async function retrieveInto(part: PartState, s: State): Promise<void> {
  if (part.candidates.length || part.q.terms.length === 0) return;
  part.qvec = await s.deps.embedQuery(part.text);
  part.candidates = await s.index.retrieve(part.q, part.qvec, part.qvec ? s.deps.dense() : null);
}

export const retrieveStep: Step<PartState> = {
  name: 'retrieve',
  async run(part, s) {
    await retrieveInto(part, s);
    return { note: `${part.candidates.length} candidates` };
  },
};
