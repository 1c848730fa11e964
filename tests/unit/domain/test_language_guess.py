"""The cheap language guess used to monitor what a server is asked."""

from __future__ import annotations

import pytest

from codemill.domain.language_guess import HEAD_CHARS, guess_language

SNIPPETS = {
    "python": "def total(items):\n    if not items:\n        return None\n    return sum(items)\n",
    "javascript": "function add(a, b) {\n  const sum = a + b;\n  console.log(sum);\n  return sum;\n}\n",
    "typescript": "function add(a: number, b: number): number {\n  const sum = a + b;\n  return sum;\n}\n",
    "java": "public static int max(int a, int b) {\n    return a > b ? a : b;\n}\n",
    "go": "func load(path string) error {\n\tdata, err := read(path)\n\treturn err\n}\n",
    "rust": 'fn main() {\n    let mut items = Vec::new();\n    println!("{}", items.len());\n}\n',
    "c": '#include <stdio.h>\nint main(void) {\n    printf("hi");\n    return 0;\n}\n',
    "cpp": "#include <vector>\nint main() {\n    std::vector<int> v;\n    std::cout << v.size();\n}\n",
    "csharp": "using System;\nnamespace App {\n    class P { void Main() { Console.WriteLine(1); } }\n}\n",
    "ruby": 'def greet(name)\n  puts "hi #{name}"\nend\n',
    "php": "<?php\nfunction greet($name) {\n    echo $name;\n}\n",
    "kotlin": 'fun greet(name: String): Unit {\n    val text = "hi"\n    println(text)\n}\n',
}


@pytest.mark.parametrize(("language", "code"), SNIPPETS.items())
def test_typical_code_of_each_language_is_told(language: str, code: str) -> None:
    assert guess_language(code) == language


@pytest.mark.parametrize("code", ["", "x = 1", "hello world", "{ }"])
def test_too_little_to_go_by_is_unknown(code: str) -> None:
    assert guess_language(code) == "unknown"


def test_only_the_head_is_read_so_a_long_input_costs_no_more() -> None:
    code = SNIPPETS["go"] + " " * HEAD_CHARS + SNIPPETS["python"] * 50
    assert guess_language(code) == "go"
