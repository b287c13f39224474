import * as fs from "node:fs";
import * as path from "node:path";
import { docsTable, MARKERS, markedTable, reportDocsTable, tableDifferences, withTable } from "../.ci/bench-table";
import { temporaryFolder } from "./support/temporary-folders";

/** The bench's table in the docs (.ci/bench-table.ts), without running the bench (it takes many minutes). */
const HEADER = "| case | wall s (median) | vs floor |\n| --- | --- | --- |";
const table = (...rows: string[]) => [HEADER, ...rows].join("\n");
const doc = (t: string) => `# Performance\n\nMedians of 5 runs:\n\n${MARKERS.start}\n\n${t}\n\n${MARKERS.end}\n\nBudgets, checked by the bench.\n`;

describe("the bench's table in the docs", () => {
  const docs = table("| app synth | 0.42 | 2.2x |", "| floor | 0.19 | 1.0x |");

  it("reads the table between the markers, and refuses markers out of pairs", () => {
    expect(markedTable(doc(docs))).toBe(docs);
    expect(markedTable("# no table here\n")).toBeUndefined();
    expect(() => markedTable(`${MARKERS.end}\n${MARKERS.start}`, "README.md")).toThrow(`README.md: expected ${MARKERS.start} once, then ${MARKERS.end} once`);
    expect(() => markedTable(`${MARKERS.start}\n${MARKERS.end}\n${MARKERS.start}\n${MARKERS.end}`)).toThrow(/once/);
    expect(() => markedTable(`${MARKERS.start}\nno end`)).toThrow(/once/);
  });

  it("replaces only the table: the text around it stays as it was", () => {
    const run = table("| app synth | 0.50 | 2.5x |", "| floor | 0.20 | 1.0x |");
    expect(withTable(doc(docs), run)).toBe(doc(run));
    expect(markedTable(withTable(doc(docs), run))).toBe(run);
  });

  it("names the rows that differ, the docs' and this run's, and nothing when the tables are the same", () => {
    expect(tableDifferences(docs, docs)).toEqual([]);
    const run = table("| app synth | 0.50 | 2.5x |", "| floor | 0.19 | 1.0x |", "| app synth, 50 workflows | 1.28 | 6.8x |");
    expect(tableDifferences(docs, run)).toEqual([
      "- | app synth | 0.42 | 2.2x |",
      "+ | app synth | 0.50 | 2.5x |",
      "+ | app synth, 50 workflows | 1.28 | 6.8x |",
    ]);
    expect(tableDifferences(run, docs)).toEqual([
      "- | app synth | 0.50 | 2.5x |",
      "+ | app synth | 0.42 | 2.2x |",
      "- | app synth, 50 workflows | 1.28 | 6.8x |",
    ]);
  });

  describe("in whichever doc holds it", () => {
    const project = (files: Record<string, string>) => {
      const dir = temporaryFolder("bench-docs");
      for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
      return dir;
    };

    it("finds it in README.md or CONTRIBUTING.md, and refuses two", () => {
      expect(docsTable(project({ "README.md": "# stepgate\n", "CONTRIBUTING.md": doc(docs) }))?.file).toBe("CONTRIBUTING.md");
      expect(docsTable(project({ "README.md": doc(docs) }))?.file).toBe("README.md");
      expect(docsTable(project({ "README.md": "# stepgate\n" }))).toBeUndefined();
      expect(() => docsTable(project({ "README.md": doc(docs), "CONTRIBUTING.md": doc(docs) }))).toThrow("README.md and CONTRIBUTING.md both hold");
    });

    it("says when the docs' table differs from this run's, and writes it only with --write", () => {
      const run = table("| app synth | 0.50 | 2.5x |", "| floor | 0.19 | 1.0x |");
      const dir = project({ "README.md": "# stepgate\n", "CONTRIBUTING.md": doc(docs) });
      expect(reportDocsTable(dir, run, false)).toEqual([
        "the table in CONTRIBUTING.md differs from this run's:",
        "  - | app synth | 0.42 | 2.2x |",
        "  + | app synth | 0.50 | 2.5x |",
        "(with --write, the bench puts its table there; the + rows are this run's, to paste by hand)",
      ]);
      expect(fs.readFileSync(path.join(dir, "CONTRIBUTING.md"), "utf8")).toBe(doc(docs));
      expect(reportDocsTable(dir, run, true)).toEqual(["wrote this run's table into CONTRIBUTING.md (1 row changed)"]);
      expect(fs.readFileSync(path.join(dir, "CONTRIBUTING.md"), "utf8")).toBe(doc(run));
      expect(reportDocsTable(dir, run, false)).toEqual(["the table in CONTRIBUTING.md is this run's"]);
      expect(reportDocsTable(project({ "README.md": "# stepgate\n" }), run, true)).toEqual([
        `no doc holds the table (README.md, CONTRIBUTING.md): put this run's between ${MARKERS.start} and ${MARKERS.end}`,
      ]);
    });
  });
});
