"""YAML loading that remembers the line of every key and list entry, for error messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]
# libyaml's parser (in PyYAML's wheels) composes the same nodes, marks included, about 10x faster
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlSyntaxError(Exception):
    """Malformed YAML, with the 1-based line where the parser stopped."""

    def __init__(self, file: Path, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.message = message


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], constructor: yaml.SafeLoader) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = (yaml.safe_load(yaml.serialize(key_node)) if not isinstance(key_node, yaml.ScalarNode)
                   else constructor.construct_object(key_node, deep=True))
            child = (*path, key)
            result[key] = _walk(value_node, child, lines, constructor)
            lines[child] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_walk(child, (*path, i), lines, constructor) for i, child in enumerate(node.value)]
    return constructor.construct_object(node, deep=True)


def load_with_lines(file: Path) -> tuple[Any, dict[Path_, int]]:
    """Parse `file`; return the plain data and a map from each key path to its 1-based line."""
    text = file.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlSyntaxError(file, line, f"malformed YAML: {error.problem or error}") from error
    except yaml.YAMLError as error:
        raise YamlSyntaxError(file, 1, f"malformed YAML: {error}") from error
    lines: dict[Path_, int] = {}
    if node is None:
        return None, lines
    try:
        return _walk(node, (), lines, yaml.SafeLoader("")), lines
    except yaml.YAMLError as error:
        raise YamlSyntaxError(file, node.start_mark.line + 1, f"malformed YAML: {error}") from error


def line_of(lines: dict[Path_, int], path: Path_) -> int:
    """Line of the deepest prefix of `path` that the file has (a missing key points at its parent)."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1
