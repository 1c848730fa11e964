"""Tree-sitter queries that find definitions, one per language.

Capture names carry the role of each node:
- `@function`, `@class`: a definition that becomes a code unit;
- `@scope`: a class-like block that is not a unit itself (a Rust `impl`, an
  anonymous class) but makes the functions inside it methods; a named scope
  also adds its name to their qualified names;
- `@name`: the definition's name; `@receiver`: the type a method belongs to
  when it is written outside that type (Go receivers);
- `@body`: the block after the header (the signature ends where it starts);
  a definition's name, receiver and body are the first such captures inside
  it, in that order, so each lies before any nested definition;
- `@comment`: every comment, for doc comments and token ids.
"""

from __future__ import annotations

PYTHON = """
(function_definition name: (identifier) @name body: (block) @body) @function
(class_definition name: (identifier) @name body: (block) @body) @class
(comment) @comment
"""

_FUNCTION_VALUE = """[
  (arrow_function body: (_) @body)
  (function_expression body: (_) @body)
  (generator_function body: (_) @body)
]"""

_ECMASCRIPT = f"""
(function_declaration name: (identifier) @name body: (statement_block) @body) @function
(generator_function_declaration name: (identifier) @name body: (statement_block) @body) @function
(method_definition name: (_) @name body: (statement_block) @body) @function
(class_declaration name: (_) @name body: (class_body) @body) @class
(class body: (class_body) @body) @scope
(lexical_declaration . (variable_declarator name: (identifier) @name value: {_FUNCTION_VALUE}) .) @function
(variable_declaration . (variable_declarator name: (identifier) @name value: {_FUNCTION_VALUE}) .) @function
(variable_declarator name: (identifier) @name value: {_FUNCTION_VALUE}) @function
(lexical_declaration
  . (variable_declarator name: (identifier) @name value: (class body: (class_body) @body)) .) @class
(assignment_expression
  left: [(identifier) @name (member_expression property: (property_identifier) @name)]
  right: {_FUNCTION_VALUE}) @function
(comment) @comment
"""

JAVASCRIPT = (
    _ECMASCRIPT
    + f"""
(field_definition property: (_) @name value: {_FUNCTION_VALUE}) @function
"""
)

TYPESCRIPT = (
    _ECMASCRIPT
    + f"""
(public_field_definition name: (_) @name value: {_FUNCTION_VALUE}) @function
(abstract_class_declaration name: (_) @name body: (class_body) @body) @class
(interface_declaration name: (_) @name body: (interface_body) @body) @class
"""
)

JAVA = """
(method_declaration name: (identifier) @name body: (block) @body) @function
(constructor_declaration name: (identifier) @name body: (constructor_body) @body) @function
(compact_constructor_declaration name: (identifier) @name body: (block) @body) @function
(class_declaration name: (identifier) @name body: (class_body) @body) @class
(interface_declaration name: (identifier) @name body: (interface_body) @body) @class
(enum_declaration name: (identifier) @name body: (enum_body) @body) @class
(record_declaration name: (identifier) @name body: (class_body) @body) @class
(object_creation_expression (class_body) @scope @body)
(line_comment) @comment
(block_comment) @comment
"""

_GO_TYPE = "[(struct_type (field_declaration_list) @body) (interface_type)]"

GO = f"""
(function_declaration name: (identifier) @name body: (block) @body) @function
(method_declaration
  receiver: (parameter_list (parameter_declaration type: (_) @receiver))
  name: (field_identifier) @name
  body: (block) @body) @function
(type_declaration . (type_spec name: (type_identifier) @name type: {_GO_TYPE}) .) @class
(type_spec name: (type_identifier) @name type: {_GO_TYPE}) @class
(comment) @comment
"""

RUST = """
(function_item name: (identifier) @name body: (block) @body) @function
(struct_item name: (type_identifier) @name body: (_)? @body) @class
(enum_item name: (type_identifier) @name body: (enum_variant_list) @body) @class
(trait_item name: (type_identifier) @name body: (declaration_list) @body) @class
(impl_item type: (_) @name body: (declaration_list) @body) @scope
(line_comment) @comment
(block_comment) @comment
"""

C = """
(function_definition declarator: (_) @name body: (compound_statement) @body) @function
(comment) @comment
"""

CPP = """
(function_definition declarator: (_) @name body: (compound_statement)? @body) @function
(class_specifier name: (_) @name body: (field_declaration_list) @body) @class
(struct_specifier name: (_) @name body: (field_declaration_list) @body) @class
(comment) @comment
"""

CSHARP = """
(method_declaration name: (identifier) @name body: (_) @body) @function
(constructor_declaration name: (identifier) @name body: (_) @body) @function
(local_function_statement name: (identifier) @name body: (_) @body) @function
(class_declaration name: (identifier) @name body: (declaration_list) @body) @class
(struct_declaration name: (identifier) @name body: (declaration_list) @body) @class
(interface_declaration name: (identifier) @name body: (declaration_list) @body) @class
(record_declaration name: (identifier) @name body: (declaration_list)? @body) @class
(comment) @comment
"""

RUBY = """
(method name: (_) @name body: (_)? @body) @function
(singleton_method name: (_) @name body: (_)? @body) @function
(class name: (_) @name body: (_)? @body) @class
(module name: (_) @name body: (_)? @body) @class
(singleton_class body: (_)? @body) @scope
(comment) @comment
"""

PHP = """
(function_definition name: (name) @name body: (compound_statement) @body) @function
(method_declaration name: (name) @name body: (compound_statement) @body) @function
(class_declaration name: (name) @name body: (declaration_list) @body) @class
(interface_declaration name: (name) @name body: (declaration_list) @body) @class
(trait_declaration name: (name) @name body: (declaration_list) @body) @class
(enum_declaration name: (name) @name body: (enum_declaration_list) @body) @class
(anonymous_class body: (declaration_list) @body) @scope
(comment) @comment
"""

KOTLIN = """
(function_declaration name: (_) @name (function_body) @body) @function
(class_declaration name: (_) @name [(class_body) (enum_class_body)]? @body) @class
(object_declaration name: (_) @name (class_body)? @body) @class
(companion_object name: (_)? @name (class_body)? @body) @class
(object_literal (class_body) @body) @scope
(line_comment) @comment
(block_comment) @comment
"""
