import * as path from "node:path";

/**
 * The docs' link check: every link of a Markdown file to a file of the repository, or to a heading
 * (`#anchor`) of it or of another Markdown file, must lead somewhere, as GitHub renders them.
 * Pure: the files come from a `Files` reader, so the checker is tested on samples in memory.
 */

/** What the checker reads: paths relative to the repository's root, with `/`. */
export interface Files {
  /** Whether a file or a folder exists. */
  exists(file: string): boolean;
  read(file: string): string;
}

/** One link as written: its target (`docs/state.md#s3`, `#settings`) and its line (from 1). */
export interface Link {
  readonly target: string;
  readonly line: number;
}

/** A fence opens or closes a code block: three or more backticks or tildes. */
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Each line outside fenced code blocks, as written, with its number. */
function outsideFences(markdown: string): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  let fence: string | undefined;
  markdown.split("\n").forEach((text, i) => {
    const opened = text.match(FENCE)?.[1];
    if (fence !== undefined) {
      if (opened !== undefined && opened[0] === fence[0] && opened.length >= fence.length && text.trim() === opened) fence = undefined;
    } else if (opened !== undefined) {
      fence = opened;
    } else {
      out.push({ text, line: i + 1 });
    }
  });
  return out;
}

/** Each line outside fenced code blocks, with its number; code spans blanked (what they hold is never a link). */
function prose(markdown: string): Array<{ text: string; line: number }> {
  return outsideFences(markdown).map(({ text, line }) => ({ text: text.replace(/(`+)(.+?)\1/g, (span) => " ".repeat(span.length)), line }));
}

/**
 * GitHub's anchor of a heading (github-slugger): its text as rendered (code spans' text kept, a
 * link's text kept, HTML tags dropped), lowercased, every character but letters, marks, digits,
 * `_`, `-` and spaces dropped, each space a hyphen.
 */
export function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replaceAll(" ", "-");
}

/** Every anchor a Markdown file has: its headings' slugs (a repeated one gets -1, -2...), and `<a id>` / `<a name>`. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  // Headings keep their code spans: their text is part of the anchor.
  for (const { text } of outsideFences(markdown)) {
    const heading = text.match(/^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/)?.[1];
    if (heading !== undefined) {
      const base = slug(heading);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const [, id] of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(id);
  }
  return anchors;
}

/** Every link of a Markdown file outside code: inline links and images, and reference definitions. */
export function linksOf(markdown: string): Link[] {
  const links: Link[] = [];
  for (const { text, line } of prose(markdown)) {
    for (const [, target] of text.matchAll(/!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ target, line });
    const definition = text.match(/^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/)?.[1];
    if (definition !== undefined) links.push({ target: definition, line });
  }
  return links;
}

/** Paths of the docs named in plain text (`help`, comments): `docs/state.md#s3`, `CONTRIBUTING.md`. */
export function docReferencesIn(text: string): Link[] {
  return text
    .split("\n")
    .flatMap((t, i) => [...t.matchAll(/(?<![\w./-])((?:docs\/[\w-]+|CONTRIBUTING|README)\.md(?:#[\w-]+)?)/g)].map((m) => ({ target: m[1], line: i + 1 })));
}

/**
 * Why a link of `from` leads nowhere, or undefined when it leads somewhere. A path is read from
 * `from`'s folder unless `folder` says otherwise; a URL with a scheme is not checked.
 */
export function brokenReason(from: string, target: string, files: Files, folder = path.posix.dirname(from)): string | undefined {
  if (target === "") return "an empty link";
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) return undefined;
  const hash = target.indexOf("#");
  const [file, anchor] = hash < 0 ? [target, undefined] : [target.slice(0, hash), decodeURIComponent(target.slice(hash + 1))];
  const resolved = file === "" ? from : path.posix.normalize(path.posix.join(folder, decodeURIComponent(file))).replace(/\/$/, "");
  if (resolved.startsWith("../") || resolved === "..") return "outside the repository";
  if (!files.exists(resolved)) return `no file ${resolved}`;
  if (anchor === undefined || !resolved.endsWith(".md")) return undefined;
  return anchorsOf(files.read(resolved)).has(anchor) ? undefined : `no heading #${anchor} in ${resolved}`;
}

/** Every link of the Markdown files that leads nowhere, as `file:line: target (why)`. */
export function brokenLinks(markdownFiles: readonly string[], files: Files): string[] {
  return markdownFiles.flatMap((from) =>
    linksOf(files.read(from)).flatMap(({ target, line }) => {
      const reason = brokenReason(from, target, files);
      return reason === undefined ? [] : [`${from}:${line}: ${target} (${reason})`];
    }),
  );
}

/** Every doc a plain-text file names (from the repository's root) that leads nowhere, as `file:line: target (why)`. */
export function brokenDocReferences(file: string, files: Files): string[] {
  return docReferencesIn(files.read(file)).flatMap(({ target, line }) => {
    const reason = brokenReason(file, target, files, ".");
    return reason === undefined ? [] : [`${file}:${line}: ${target} (${reason})`];
  });
}
