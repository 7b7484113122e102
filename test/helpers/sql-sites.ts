import ts from 'typescript';

/** A place in a source file that runs or holds SQL. */
export interface SqlSite {
  line: number;
  kind: 'query call' | 'sql text';
  text: string;
}

// Statement shapes, not single words: a summary saying "Delete a campaign" or a `select`
// option must not count, while any real statement (or fragment of one) does.
const SQL_SHAPES: readonly RegExp[] = [
  /\bselect\s+(?:\*|distinct\b|count\s*\(|[\w.]+(?:::\w+)?\s*(?:,|\bas\b|\bfrom\b))/i,
  /\binsert\s+into\s+\w/i,
  /\bupdate\s+\w+\s+set\b/i,
  /\bdelete\s+from\s+\w/i,
  /\bwhere\s+[\w.]+\s*(?:=|<|>|\bin\s*\(|\bis\s+(?:not\s+)?null\b)/i,
  /\border\s+by\s+[\w.]+\s+(?:asc|desc)\b/i,
  /\$\d+::\w+/,
  /\bset_config\s*\(|\bset\s+local\b/i,
];

/** The literal text of a string or template; `${…}` holes read as a space. */
function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node))
    return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ');
  return undefined;
}

export const looksLikeSql = (text: string): boolean => SQL_SHAPES.some((re) => re.test(text));

/** Every `.query(…)` call and every string or template that reads as SQL in `source`. */
export function sqlSites(fileName: string, source: string): SqlSite[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: SqlSite[] = [];
  const at = (node: ts.Node) => file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'query'
    ) {
      out.push({ line: at(node), kind: 'query call', text: node.getText(file).slice(0, 120) });
    }
    const text = literalText(node);
    if (text !== undefined && looksLikeSql(text))
      out.push({ line: at(node), kind: 'sql text', text: text.replace(/\s+/g, ' ').slice(0, 120) });
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}
