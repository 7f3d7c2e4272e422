// Whether a line starts a function, and its name: where the code actions
// offer a tic-toc's function form (the agent wraps the function that starts
// there; this only decides what to offer and what to call it). A guess from
// the line's text, per language family; a miss only means the action is not
// offered on that line (the command still takes any line).

const JS_LIKE: readonly RegExp[] = [
  // function name(  /  async function* name(
  /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([\p{ID_Start}$_][\p{ID_Continue}$]*)?\s*\(/u,
  // const name = (…) => {  /  name = async function (
  /^\s*(?:export\s+)?(?:const|let|var)?\s*([\p{ID_Start}$_][\p{ID_Continue}$.]*)\s*[:=]\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::\s*[^=]+)?=>\s*\{|[\p{ID_Start}$_][\p{ID_Continue}$]*\s*=>\s*\{)/u,
  // a method: name(…) {  /  async *name(…): T {  /  static get name() {
  /^\s*(?:(?:public|private|protected|static|async|override|get|set)\s+)*\*?\s*(?!(?:if|for|while|switch|catch|return|with|function)\b)([\p{ID_Start}$_#][\p{ID_Continue}$]*)\s*\([^()]*\)\s*(?::\s*[^{]+)?\{\s*(?:\/\/.*)?$/u,
];

const PYTHON = /^\s*(?:async\s+)?def\s+([\p{ID_Start}_][\p{ID_Continue}]*)\s*\(/u;
const KOTLIN_JAVA = [
  /^\s*(?:[\w@]+\s+)*fun\s+(?:<[^>]+>\s*)?(?:[\w.<>,? ]+\.)?([\p{ID_Start}_][\p{ID_Continue}]*)\s*\(/u,
  /^\s*(?:(?:public|private|protected|static|final|synchronized|abstract|native)\s+)+[\w<>[\],.?\s]+?\s+([\p{ID_Start}_][\p{ID_Continue}]*)\s*\([^)]*\)\s*(?:throws\s+[\w.,\s]+)?\{?\s*$/u,
];

/** The function's name when `text` looks like the first line of one (`(anonymous)` when it has none); undefined otherwise. */
export function functionStartingAt(text: string, languageId: string | undefined, file: string): string | undefined {
  const patterns = languageId === 'python' || /\.py$/.test(file) ? [PYTHON] : /^(kotlin|java)$/.test(languageId ?? '') || /\.(kt|kts|java)$/.test(file) ? KOTLIN_JAVA : JS_LIKE;
  for (const p of patterns) {
    const m = p.exec(text);
    if (m) return m[1] || '(anonymous)';
  }
  return undefined;
}
