/**
 * The states of an Amazon States Language definition, nested ones included: the one walk that the
 * definition's checks and the local gateway's Step Functions share.
 */

/** A state as the definition holds it; only `Type` is known to exist. */
export type AslState = Readonly<Record<string, unknown>> & { readonly Type?: unknown };

/**
 * Calls `visit` for every state: those of `States`, of each Parallel branch and of each Map's
 * `ItemProcessor` (or its legacy name, `Iterator`), with the state's ASL path
 * (`$.States["A"].Branches[0].States["B"]`).
 */
export function forEachState(definition: unknown, visit: (state: AslState, name: string, aslPath: string) => void): void {
  const walk = (states: unknown, at: string) => {
    if (typeof states !== "object" || states === null) return;
    for (const [name, state] of Object.entries(states as Record<string, AslState>)) {
      if (typeof state !== "object" || state === null) continue;
      const here = `${at}[${JSON.stringify(name)}]`;
      visit(state, name, here);
      if (Array.isArray(state.Branches)) {
        for (const [i, branch] of state.Branches.entries()) walk((branch as { States?: unknown } | null)?.States, `${here}.Branches[${i}].States`);
      }
      const processorKey = state.ItemProcessor ? "ItemProcessor" : state.Iterator ? "Iterator" : undefined;
      if (processorKey) walk((state[processorKey] as { States?: unknown }).States, `${here}.${processorKey}.States`);
    }
  };
  walk((definition as { States?: unknown } | null)?.States, "$.States");
}
