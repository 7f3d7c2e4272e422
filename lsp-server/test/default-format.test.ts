import assert from 'node:assert/strict';
import { defaultFormat, identifiersRead, languageFamily, MAX_IDENTIFIERS, MAX_SCANNED_LINE_CHARS } from '../src/features/default-format.js';

const js = (line: string): string[] => identifiersRead(line, 'js');
const ts = (line: string): string[] => identifiersRead(line, 'ts');

describe('default format', () => {
  it('logs the names a return reads', () => {
    assert.equal(defaultFormat("  return 'Hello: ' + name", { file: 'server.js', line: 12 }), 'name={name}');
  });

  it('says where it is when the line reads nothing', () => {
    assert.equal(defaultFormat('  } else {', { file: 'src/server.js', line: 12 }), 'reached src/server.js:12');
    assert.equal(defaultFormat('', { file: 'a.py', line: 1 }), 'reached a.py:1');
  });

  it('keeps dotted chains and drops names after a dot', () => {
    assert.deepEqual(js('if (req.url === target) {'), ['req.url', 'target']);
    assert.deepEqual(js('total += cart?.items.length'), ['total', 'cart?.items.length']);
    assert.deepEqual(js('this.count += step'), ['this.count', 'step']);
  });

  it('skips callees, keeping their arguments', () => {
    assert.deepEqual(js('res.send(`Hi ${user.name}`)'), ['user.name']);
    assert.deepEqual(js('console.log(name, age)'), ['name', 'age']);
    assert.deepEqual(js('await save(order)'), ['order']);
  });

  it('skips object keys but keeps their values and shorthand names', () => {
    assert.deepEqual(js('send({ id: user.id, name })'), ['user.id', 'name']);
    assert.deepEqual(js('  status: order.status,'), ['order.status']);
  });

  it('keeps both branches of a ternary', () => {
    assert.deepEqual(js('const label = ok ? yes : no'), ['ok', 'yes', 'no']);
  });

  it('skips keywords, literals and what a declaration binds', () => {
    assert.deepEqual(js('const total = price * qty'), ['price', 'qty']);
    assert.deepEqual(js('let { a, b } = pair, c = a + d'), ['pair', 'd']);
    assert.deepEqual(js('for (const item of items) {'), ['items']);
    assert.deepEqual(js('if (x === undefined || y === null || typeof z) return true'), ['x', 'y', 'z']);
    assert.deepEqual(js('throw new Error(message)'), ['message']);
  });

  it('skips parameters, which do not exist when the line itself runs', () => {
    assert.deepEqual(js("app.get('/hello', (req, res) => {"), []);
    assert.deepEqual(js('function greet(name) {'), []);
    assert.deepEqual(js('items.map(x => x * factor)'), ['factor']);
  });

  it('skips TypeScript types but keeps parameters and values', () => {
    assert.deepEqual(ts('const user: User = load(id) as User'), ['id']);
    assert.deepEqual(ts('  private name: string = defaultName;'), ['defaultName']);
    assert.deepEqual(ts('return (value satisfies Shape).size'), ['value']);
  });

  it('tolerates partial lines and comments', () => {
    assert.deepEqual(js("  log('unterminated"), []);
    assert.deepEqual(js('  `Hello ${who}'), ['who']);
    assert.deepEqual(js('@Inject() service'), ['service']);
    assert.deepEqual(js('   * describes the thing'), []);
    assert.deepEqual(js('x = 1 // and a comment with words'), ['x']);
    assert.deepEqual(js("import { a } from 'b'"), []);
  });

  it('caps the number of values and removes duplicates', () => {
    assert.deepEqual(js('a + a + b'), ['a', 'b']);
    assert.equal(js('a+b+c+d+e+f+g+h').length, MAX_IDENTIFIERS);
  });

  it('falls back to a plain scan for other languages', () => {
    assert.deepEqual(identifiersRead('    return "Hello " + name  # greet', 'other'), ['name']);
    assert.deepEqual(identifiersRead('    total = compute(order.items, rate=tax)', 'other'), ['order.items', 'tax']);
    assert.deepEqual(identifiersRead('String name = request.getName();', 'other'), ['request'], 'a call is not read, its receiver is');
    assert.deepEqual(identifiersRead('if self.count > limit and not done:', 'other'), ['self.count', 'limit', 'done']);
    assert.equal(defaultFormat('    return "Hello " + name', { file: 'app.py', line: 3, languageId: 'python' }), 'name={name}');
  });

  it('proposes the values of Java and Kotlin lines: the seed\'s lines read pc, and name', () => {
    assert.equal(defaultFormat('            if (pc.isPrime()) {', { file: 'PrimeMainComplex.kt', line: 45, languageId: 'kotlin' }), 'pc={pc}');
    assert.equal(defaultFormat('    return "Hello: " + name;', { file: 'HelloService.java', line: 16, languageId: 'java' }), 'name={name}');
    assert.equal(defaultFormat('        val pc = PrimeChecker(i)', { file: 'PrimeMainComplex.kt', line: 44, languageId: 'kotlin' }), 'i={i}');
    assert.equal(defaultFormat('    this.save(order)', { file: 'A.java', line: 1, languageId: 'java' }), 'order={order}', 'this is not a value to log by itself');
  });

  it('knows the family from the languageId, else the extension', () => {
    assert.equal(languageFamily('typescriptreact', 'x'), 'ts');
    assert.equal(languageFamily('javascript', 'x.py'), 'js');
    assert.equal(languageFamily('python', 'x.js'), 'other');
    assert.equal(languageFamily(undefined, 'src/app.mjs'), 'js');
    assert.equal(languageFamily(undefined, 'Main.kt'), 'other');
  });

  it('gives a line too long to be written by hand the plain default without scanning it', () => {
    const long = `return ${'a+'.repeat(MAX_SCANNED_LINE_CHARS / 2)}b`;
    assert.equal(defaultFormat(long, { file: 'bundle.js', line: 1 }), 'reached bundle.js:1');
    assert.deepEqual(identifiersRead(long, 'other'), []);
    assert.deepEqual(js(`return total + ${'@'.repeat(5000)} + tax`), ['total'], 'a line of junk stops being scanned');
  });
});
