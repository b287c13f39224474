/**
 * The states of an Amazon States Language definition, nested ones included: the one walk that the
 * definition's checks and the local gateway's Step Functions share.
 */

/** A state as the definition holds it; only `Type` is known to exist. */
export type AslState = Readonly<Record<string, unknown>> & { readonly Type?: unknown };

/** Where a state is: its ASL path (`$.States["A"].Branches[0].States["B"]`), and its JSON pointer (`/States/A/Branches/0/States/B`), as asl-validator names it. */
export interface StateLocation {
  readonly aslPath: string;
  readonly pointer: string;
}

/**
 * Calls `visit` for every state: those of `States`, of each Parallel branch and of each Map's
 * `ItemProcessor` and (its legacy name) `Iterator`. A value that is not an object is visited too,
 * for the checks to name it; nothing is walked below it.
 */
export function forEachState(definition: unknown, visit: (state: AslState, name: string, at: StateLocation) => void): void {
  const walk = (machine: unknown, aslPath: string, pointer: string) => {
    const states = (machine as { States?: unknown } | null)?.States;
    if (typeof states !== "object" || states === null || Array.isArray(states)) return;
    for (const [name, state] of Object.entries(states as Record<string, AslState>)) {
      const here = { aslPath: `${aslPath}.States[${JSON.stringify(name)}]`, pointer: `${pointer}/States/${name.replace(/~/g, "~0").replace(/\//g, "~1")}` };
      visit(state, name, here);
      if (typeof state !== "object" || state === null) continue;
      if (Array.isArray(state.Branches)) {
        for (const [i, branch] of state.Branches.entries()) walk(branch, `${here.aslPath}.Branches[${i}]`, `${here.pointer}/Branches/${i}`);
      }
      for (const key of ["ItemProcessor", "Iterator"]) walk(state[key], `${here.aslPath}.${key}`, `${here.pointer}/${key}`);
    }
  };
  walk(definition, "$", "");
}
