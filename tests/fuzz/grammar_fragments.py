"""Per-language fragments to assemble valid-looking source: definition headers, blocks and statements.

`{name}` is an identifier, `{text}` a string literal's or comment's contents.
Python blocks are indented; every other language closes its blocks with `close`.
"""

from __future__ import annotations

from dataclasses import dataclass

from codemill.domain.code import Language


@dataclass(frozen=True, kw_only=True)
class Fragments:
    extension: str
    function: str
    method: str
    class_: str
    blocks: tuple[str, ...]
    statements: tuple[str, ...]
    close: str = "}"
    class_close: str = "}"
    prelude: str = ""
    indented: bool = False  # Python: blocks are their indentation, bodies are never empty


_C_STATEMENTS = ('char *s = "{text}";', "// {text}", "/* {text} */", "return a;", "a = (b + 1) * 2;")

FRAGMENTS: dict[Language, Fragments] = {
    Language.PYTHON: Fragments(
        extension=".py",
        function="def {name}(a, b=1, *args, **kwargs):",
        method="async def {name}(self, a):",
        class_="class {name}(object):",
        blocks=("if a:", "for i in range(3):", "while False:", "with open(a) as f:", "async for i in a:"),
        statements=(
            's = "{text}"',
            "# {text}",
            '"""{text}"""',
            "return a",
            "pass",
            "x = [1, (2, {{3: 4}})]",
            "yield a",
            "lambda: a",
        ),
        close="",
        class_close="",
        indented=True,
    ),
    Language.JAVASCRIPT: Fragments(
        extension=".js",
        function="function {name}(a, b) {{",
        method="{name}(a, b) {{",
        class_="class {name} {{",
        blocks=("if (a) {{", "for (const i of a) {{", "const f = () => {{"),
        statements=('let s = "{text}";', "// {text}", "/* {text} */", "return a;", "s = `{text}`;"),
    ),
    Language.TYPESCRIPT: Fragments(
        extension=".ts",
        function="export function {name}(a: number, b: string): number {{",
        method="public {name}(a: number): void {{",
        class_="class {name}<T> implements I {{",
        blocks=("if (a > 0) {{", "for (let i = 0; i < a; i++) {{"),
        statements=('let s: string = "{text}";', "// {text}", "return a as number;", "type T = A | B;"),
    ),
    Language.TSX: Fragments(
        extension=".tsx",
        function="function {name}(props: Props) {{",
        method="render(): JSX.Element {{",
        class_="class {name} extends React.Component {{",
        blocks=("if (props.a) {{",),
        statements=("return <div>{text}</div>;", "// {text}", 'const s = "{text}";'),
    ),
    Language.JAVA: Fragments(
        extension=".java",
        function="public static int {name}(int a, String b) {{",
        method="private void {name}(List<String> a) throws IOException {{",
        class_="public class {name} extends Base {{",
        blocks=("if (a > 0) {{", "for (int i = 0; i < a; i++) {{", "Runnable r = new Runnable() {{"),
        statements=('String s = "{text}";', "// {text}", "/** {text} */", "return a;", "@Override"),
    ),
    Language.GO: Fragments(
        extension=".go",
        function="func {name}(a int, b string) (int, error) {{",
        method="func (r *Receiver) {name}(a int) int {{",
        class_="type {name} struct {{",
        blocks=("if a > 0 {{", "for i := range a {{", "f := func() {{"),
        statements=('s := "{text}"', "// {text}", "return a, nil", "x := map[string]int{{}}"),
        prelude="package main\n\n",
    ),
    Language.RUST: Fragments(
        extension=".rs",
        function="pub fn {name}<'a>(a: &'a str, b: i32) -> i32 {{",
        method="fn {name}(&self) -> Option<i32> {{",
        class_="impl {name} {{",
        blocks=("if a > 0 {{", "for i in 0..a {{", "let f = |x| {{", "match a {{"),
        statements=('let s = "{text}";', "// {text}", "/// {text}", "return a;", "#[inline]"),
    ),
    Language.C: Fragments(
        extension=".c",
        function="static int {name}(int a, char *b) {{",
        method="int {name}(void) {{",
        class_="struct {name} {{",
        blocks=("if (a) {{", "for (int i = 0; i < a; i++) {{", "#if X\n{{"),
        statements=_C_STATEMENTS,
        class_close="};",
    ),
    Language.CPP: Fragments(
        extension=".cpp",
        function="template <typename T> int {name}(const T& a) {{",
        method="virtual int {name}(int a) const {{",
        class_="class {name} : public Base {{",
        blocks=("if (a) {{", "namespace n {{", "auto f = [&](int x) {{"),
        statements=(*_C_STATEMENTS, 'std::string s = R"({text})";'),
        class_close="};",
    ),
    Language.CSHARP: Fragments(
        extension=".cs",
        function="public static int {name}(int a, string b) {{",
        method="public async Task<int> {name}(int a) {{",
        class_="public partial class {name} : IBase {{",
        blocks=("if (a > 0) {{", "foreach (var i in a) {{", "namespace N {{"),
        statements=('var s = "{text}";', "// {text}", "/// <summary>{text}</summary>", "return a;"),
    ),
    Language.RUBY: Fragments(
        extension=".rb",
        function="def {name}(a, b = 1)",
        method="def self.{name}",
        class_="class {name} < Base",
        blocks=("if a", "a.each do |i|", "module M", "begin"),
        statements=('s = "{text}"', "# {text}", "return a", "attr_reader :a"),
        close="end",
        class_close="end",
    ),
    Language.PHP: Fragments(
        extension=".php",
        function="function {name}($a, $b = 1) {{",
        method="public static function {name}(array $a): int {{",
        class_="final class {name} extends Base {{",
        blocks=("if ($a) {{", "foreach ($a as $i) {{", "$f = function () {{"),
        statements=("$s = '{text}';", "// {text}", "# {text}", "return $a;"),
        prelude="<?php\n",
    ),
    Language.KOTLIN: Fragments(
        extension=".kt",
        function="fun {name}(a: Int, b: String): Int {{",
        method="override suspend fun {name}(a: Int) {{",
        class_="data class {name}(val a: Int) {{",
        blocks=("if (a > 0) {{", "for (i in 0..a) {{", "val f = {{ x: Int ->"),
        statements=('val s = "{text}"', "// {text}", "return a", "object O {{}}"),
    ),
}

# Every extension the fragments use, one more of C and Python, and none (a shebang may still decide).
EXTENSIONS = sorted({fragments.extension for fragments in FRAGMENTS.values()} | {".h", ".pyi", ""})
