"""Find the UDFs a project declares in ``udfs/*.py``.

Imports each module as ``<dirname>.<module>`` with the project root on
``sys.path`` (the way Flink's Python worker will import it), and collects
every object declared with :func:`~sqlflow.udf.onnx_udf` or
:func:`~sqlflow.udf.udf`. Anything that goes wrong is a
:class:`~sqlflow.errors.UdfError` pointing at the file and line.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import traceback
from dataclasses import replace
from pathlib import Path

from sqlflow.errors import Location, SqlflowError, UdfError, did_you_mean
from sqlflow.udf.declare import spec_of
from sqlflow.udf.spec import UdfSpec


def discover(udfs_dir: str | Path, errors: list[SqlflowError] | None = None) -> list[UdfSpec]:
    """Every UDF declared in ``udfs_dir/*.py``, ordered by file and line.

    A module that cannot be imported raises, unless ``errors`` is given: then its error
    goes there and the other modules' UDFs are still found.
    """
    root = Path(udfs_dir).resolve()
    if not root.is_dir():
        raise UdfError(f"UDF folder {str(udfs_dir)!r} does not exist",
                       location=Location(str(udfs_dir)), rule="udf-import")
    package = _prepare(root)
    found: list[UdfSpec] = []
    seen: dict[str, UdfSpec] = {}
    for file in sorted(root.glob("*.py")):
        if file.name.startswith("_"):
            continue
        module_name = f"{package}.{file.stem}"
        try:
            module = _import(module_name, file)
        except SqlflowError as exc:
            if errors is None:
                raise
            errors.append(exc)
            continue
        for attr, obj in sorted(vars(module).items()):
            spec = spec_of(obj)
            if spec is None or spec.module != module_name:
                continue  # not a UDF, or one imported from another module
            spec = replace(spec, attr=attr)
            if spec.name in seen:
                first = seen[spec.name]
                twice = UdfError(f"UDF name {spec.name!r} is declared twice (first at "
                                 f"{first.file}:{first.line})",
                                 location=Location(spec.file or str(file), spec.line, 1),
                                 rule="udf-duplicate")
                if errors is None:
                    raise twice
                errors.append(twice)
                continue
            seen[spec.name] = spec
            found.append(spec)
    return sorted(found, key=lambda s: (s.file or "", s.line))


def check_udf(udfs_dir: str | Path, dotted: str, where: Location | None = None) -> None:
    """Import the module of the UDF ``dotted`` ('udfs.pages.page_section') as Flink's worker will,
    and check that it declares that name: a UdfError at the module's broken line, or at ``where``
    (the CREATE FUNCTION naming it) when the module or the name is not there."""
    root = Path(udfs_dir).resolve()
    module_name, _, attr = dotted.rpartition(".")
    package, _, stem = module_name.partition(".")
    if package != root.name or not stem or "." in stem:
        return  # not a module of this project's UDF folder
    file = root / f"{stem}.py"
    if not file.is_file():
        near = did_you_mean(stem, [f.stem for f in root.glob("*.py") if not f.name.startswith("_")])
        raise UdfError(f"'{dotted}' names module {module_name}, but {root.name}/{stem}.py does not exist",
                       location=where, rule="udf-import",
                       hint=f"did you mean '{package}.{near}.{attr}'?" if near else None)
    _prepare(root)
    module = _import(module_name, file)
    if not hasattr(module, attr):
        declared = [name for name, obj in vars(module).items() if spec_of(obj) is not None]
        near = did_you_mean(attr, declared)
        raise UdfError(f"{root.name}/{stem}.py has no {attr!r}", location=where, rule="udf-import",
                       hint=f"did you mean '{module_name}.{near}'?" if near else
                       "declare it with @udf(...) or onnx_udf(...)")


def _prepare(root: Path) -> str:
    """Put the project first on sys.path and bind its UDF package; return the package name."""
    package = root.name
    project = str(root.parent)
    if project in sys.path:  # first on the path, so this project's package wins
        sys.path.remove(project)
    sys.path.insert(0, project)
    _forget_other_package(package, root)
    importlib.invalidate_caches()  # files written within the last second are otherwise missed
    _bind_package(package, root)
    return package


def _forget_other_package(package: str, root: Path) -> None:
    """Drop an already imported package of the same name that lives elsewhere."""
    mod = sys.modules.get(package)
    if mod is None:
        return
    paths = [str(Path(p).resolve()) for p in getattr(mod, "__path__", [])]
    if str(root) in paths:
        return
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]
    importlib.invalidate_caches()


def _bind_package(package: str, root: Path) -> None:
    """Import ``package`` from ``root`` itself, whatever else on sys.path holds a folder of that name."""
    if package in sys.modules:
        return
    init = root / "__init__.py"
    if init.exists():
        spec = importlib.util.spec_from_file_location(package, init, submodule_search_locations=[str(root)])
    else:
        spec = importlib.machinery.ModuleSpec(package, None, is_package=True)
        spec.submodule_search_locations = [str(root)]
    module = importlib.util.module_from_spec(spec)
    sys.modules[package] = module
    try:
        if spec.loader is not None:
            spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[package]
        raise


def _import(module_name: str, file: Path):
    try:
        if module_name in sys.modules:
            return importlib.reload(sys.modules[module_name])
        return importlib.import_module(module_name)
    except SqlflowError:
        raise  # a declaration error already carries its location
    except SyntaxError as exc:
        loc = Location(exc.filename or str(file), exc.lineno or 0, exc.offset or 1)
        raise UdfError(f"cannot import {module_name}: syntax error: {exc.msg}",
                       location=loc, rule="udf-import") from None
    except Exception as exc:
        line = 0
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if Path(frame.filename).resolve() == file.resolve():
                line = frame.lineno or 0
                break
        hint = None
        if isinstance(exc, ModuleNotFoundError) and exc.name:
            hint = (f"install it where sqlflow runs (pip install {exc.name.split('.')[0]}): Flink's Python "
                    "workers use the same interpreter; for a remote cluster also list it under "
                    "requirements: in sqlflow.yaml")
        raise UdfError(f"cannot import {module_name}: {type(exc).__name__}: {exc}",
                       location=Location(str(file), line, 1 if line else 0),
                       rule="udf-import", hint=hint) from None
