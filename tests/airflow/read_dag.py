"""Reads an Airflow DAG file without importing Airflow (not installable here): python's ast only.

  python3 tests/airflow/read_dag.py DAG_FILE ['{"param": value, ...}']

Prints JSON: the DAG id, its params' defaults, each SparkSubmitOperator task (application,
java_class, conf, application_args rendered with the params: defaults, overridden by the JSON
given) and the task graph's edges from `a >> b >> c` chains. Module-level constants the tasks use
are evaluated: literals, names, `+`, f-strings, os.environ.get(name, default), Param(default, ...);
the DAG's default_args are applied to each task as Airflow does; datetime/timedelta stay as text.
Anything else is an error naming the line, so the DAG cannot drift out of what this reads.
"""
import ast
import json
import os
import re
import sys


class Reader:
    def __init__(self, tree):
        self.names = {}
        self.tree = tree

    def value(self, node):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.value(e) for e in node.elts]
        if isinstance(node, ast.Dict):
            return {self.value(k): self.value(v) for k, v in zip(node.keys, node.values)}
        if isinstance(node, ast.Name):
            if node.id not in self.names:
                raise SystemExit(f"line {node.lineno}: unknown name {node.id}")
            return self.names[node.id]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.value(node.left) + self.value(node.right)
        if isinstance(node, ast.JoinedStr):
            return "".join(str(self.value(v.value)) if isinstance(v, ast.FormattedValue) else v.value for v in node.values)
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            if name in ("timedelta", "datetime"):
                return name + "(" + ", ".join(ast.unparse(a) for a in node.args + node.keywords) + ")"
            if name == "os.environ.get":
                return os.environ.get(self.value(node.args[0]), self.value(node.args[1]))
            if name == "Param":
                return self.value(node.args[0])
        raise SystemExit(f"line {node.lineno}: cannot read {ast.unparse(node)}")

    def read(self, params_override):
        dag = None
        for stmt in self.tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                self.names[stmt.targets[0].id] = self.value(stmt.value)
            elif isinstance(stmt, ast.With):
                dag = stmt
        if dag is None:
            raise SystemExit("no `with DAG(...) as dag:` block")
        call = dag.items[0].context_expr
        if ast.unparse(call.func) != "DAG":
            raise SystemExit(f"line {call.lineno}: expected DAG(...)")
        keywords = {k.arg: k.value for k in call.keywords}
        params = self.value(keywords["params"]) if "params" in keywords else {}
        defaults = self.value(keywords["default_args"]) if "default_args" in keywords else {}
        params.update(params_override)
        tasks, variables, edges = {}, {}, []
        for stmt in dag.body:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
                operator = ast.unparse(stmt.value.func)
                # Airflow hands a DAG's default_args to every operator that does not set them itself
                args = dict(defaults)
                args.update({k.arg: self.value(k.value) for k in stmt.value.keywords})
                task_id = args["task_id"]
                variables[stmt.targets[0].id] = task_id
                tasks[task_id] = {
                    "operator": operator,
                    "application": args.get("application"),
                    "java_class": args.get("java_class"),
                    "conf": args.get("conf", {}),
                    "application_args": [render(a, params) for a in args.get("application_args", [])],
                }
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.BinOp):
                chain = []
                node = stmt.value
                while isinstance(node, ast.BinOp) and isinstance(node.op, ast.RShift):
                    chain.insert(0, node.right)
                    node = node.left
                chain.insert(0, node)
                ids = [variables[n.id] for n in chain]
                edges += [[a, b] for a, b in zip(ids, ids[1:])]
        return {"dag_id": self.value(keywords["dag_id"]), "params": params, "tasks": tasks, "edges": edges}


def render(text, params):
    """The Jinja this DAG uses: {{ params.x }} and {{ params.x | join(',') }}."""
    def one(match):
        value = params[match.group(1)]
        if match.group(2) is not None:
            return match.group(2).join(str(v) for v in value)
        return str(value)
    out = re.sub(r"\{\{\s*params\.(\w+)\s*(?:\|\s*join\('([^']*)'\)\s*)?\}\}", one, text)
    if "{{" in out or "{%" in out:
        raise SystemExit(f"cannot render {text!r}")
    return out


if __name__ == "__main__":
    source = open(sys.argv[1]).read()
    override = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    print(json.dumps(Reader(ast.parse(source)).read(override), indent=2))
