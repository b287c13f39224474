import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The bench's table in the docs: between two marker comments, in whichever of the docs holds them,
 * so `npm run bench` can say whether the docs show this run's table and, with --write, put it there.
 */
export const MARKERS = { start: "<!-- bench:start -->", end: "<!-- bench:end -->" } as const;
/** Where the table may live, relative to the project. */
export const DOCS = ["README.md", "CONTRIBUTING.md"] as const;

/** The table between a text's markers, without the lines that hold them; undefined when it has none. */
export function markedTable(text: string, file = "the text"): string | undefined {
  const start = text.indexOf(MARKERS.start);
  const end = text.indexOf(MARKERS.end);
  if (start < 0 && end < 0) return undefined;
  if (start < 0 || end < start || text.indexOf(MARKERS.start, start + 1) >= 0 || text.indexOf(MARKERS.end, end + 1) >= 0) {
    throw new Error(`${file}: expected ${MARKERS.start} once, then ${MARKERS.end} once`);
  }
  return text.slice(start + MARKERS.start.length, end).trim();
}

/** The text with `table` between its markers, a blank line either side: a block of its own, as Markdown renders a table everywhere. */
export function withTable(text: string, table: string): string {
  const start = text.indexOf(MARKERS.start) + MARKERS.start.length;
  return `${text.slice(0, start)}\n\n${table}\n\n${text.slice(text.indexOf(MARKERS.end))}`;
}

/**
 * What differs between the docs' table and this run's, a row each (a row is known by its first
 * cell, the case): `- ` the docs' row, `+ ` this run's; empty when they are the same.
 */
export function tableDifferences(docs: string, run: string): string[] {
  const rows = (table: string) => table.split("\n").map((line) => line.trim());
  const key = (row: string) => row.split("|")[1]?.trim() ?? row;
  const before = new Map(rows(docs).map((row) => [key(row), row]));
  const after = new Map(rows(run).map((row) => [key(row), row]));
  const lines: string[] = [];
  for (const [name, row] of after) {
    const old = before.get(name);
    if (old !== row) lines.push(...(old === undefined ? [] : [`- ${old}`]), `+ ${row}`);
  }
  for (const [name, row] of before) if (!after.has(name)) lines.push(`- ${row}`);
  return lines;
}

/** The doc that holds the markers, with its text and table; undefined when none does. */
export function docsTable(projectDir: string): { file: string; text: string; table: string } | undefined {
  const found = DOCS.flatMap((file) => {
    const full = path.join(projectDir, file);
    if (!fs.existsSync(full)) return [];
    const text = fs.readFileSync(full, "utf8");
    const table = markedTable(text, file);
    return table === undefined ? [] : [{ file, text, table }];
  });
  if (found.length > 1) throw new Error(`${found.map((f) => f.file).join(" and ")} both hold ${MARKERS.start}: keep one table`);
  return found[0];
}

/** What the bench says about the docs' table, and, with `write`, puts this run's table there. */
export function reportDocsTable(projectDir: string, table: string, write: boolean): string[] {
  const docs = docsTable(projectDir);
  if (!docs) return [`no doc holds the table (${DOCS.join(", ")}): put this run's between ${MARKERS.start} and ${MARKERS.end}`];
  const differences = tableDifferences(docs.table, table);
  if (differences.length === 0) return [`the table in ${docs.file} is this run's`];
  if (write) {
    fs.writeFileSync(path.join(projectDir, docs.file), withTable(docs.text, table));
    const changed = differences.filter((d) => d.startsWith("+ ")).length;
    return [`wrote this run's table into ${docs.file} (${changed} ${changed === 1 ? "row" : "rows"} changed)`];
  }
  return [
    `the table in ${docs.file} differs from this run's:`,
    ...differences.map((d) => `  ${d}`),
    `(with --write, the bench puts its table there; the + rows are this run's, to paste by hand)`,
  ];
}
