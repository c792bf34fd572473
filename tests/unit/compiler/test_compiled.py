"""compile_project on the good fixture: catalog, jobs in order, UDFs and models per file, hashes."""

from __future__ import annotations

from pathlib import Path

from sqlflow.compiler import compile_project
from sqlflow.compiler.catalog import TableDef
from sqlflow.compiler.lineage import Flow, lineage, render_text


def test_good_project_is_clean(project: Path) -> None:
    compiled = compile_project(project)
    assert [d.render() for d in compiled.diagnostics] == []
    assert compiled.ok


def test_jobs_and_what_they_use(project: Path) -> None:
    compiled = compile_project(project)
    summary = [(j.path, j.is_job, j.sources, j.sinks, j.udfs, j.udf_modules, j.models, j.requires)
               for j in compiled.jobs]
    assert summary == [
        ("sql/analysis/top_ads.sql", True, ("impressions", "users"), ("top_ads", "per_country"), (), (), (),
         ("sql/common/sources.sql:2", "sql/common/sources.sql:39")),
        ("sql/common/sources.sql", False, (), (), (), (), (), ()),
        ("sql/feedback/ctr.sql", True, ("clicks", "impressions"), ("ctr_per_minute",), (), (), (),
         ("sql/common/sources.sql:2", "sql/common/sources.sql:25")),
        ("sql/scoring/score.sql", True, ("impressions", "users"), ("scores", "tag_counts"),
         ("bucket", "clean_label", "ctr_score"), ("udfs.scoring",), ("models/ctr.onnx",),
         ("sql/common/sources.sql:2", "sql/common/sources.sql:39", "sql/common/sources.sql:54",
          "sql/common/sources.sql:56", "sql/common/sources.sql:58")),
    ]
    kinds = [(s.kind, s.sink, s.in_statement_set, s.location.line) for s in compiled.job("sql/scoring/score.sql").statements]
    assert kinds == [("table", None, False, 2), ("table", None, False, 13), ("insert", "scores", True, 19),
                     ("insert", "tag_counts", True, 19)]


def test_catalog_reads_ddl(project: Path) -> None:
    compiled = compile_project(project)
    impressions = compiled.catalog.relation("impressions")
    assert isinstance(impressions, TableDef)
    assert [(c.name, str(c.type), c.kind) for c in impressions.columns] == [
        ("impression_id", "STRING", "physical"), ("user_id", "BIGINT", "physical"), ("ad_id", "BIGINT", "physical"),
        ("label", "STRING", "physical"), ("f1", "FLOAT", "physical"), ("f2", "FLOAT", "physical"),
        ("f3", "FLOAT", "physical"), ("f4", "FLOAT", "physical"), ("tags", "ARRAY<STRING>", "physical"),
        ("ts", "TIMESTAMP(3)", "physical"), ("proc", "TIMESTAMP_LTZ(3)", "computed")]
    assert impressions.watermark is not None and impressions.watermark.column == "ts"
    assert impressions.options["properties.group.id"] == "sqlflow-checks"  # from sqlflow.yaml vars
    assert impressions.options["properties.bootstrap.servers"] == "localhost:9092"  # the config default
    users = compiled.catalog.relation("users")
    assert isinstance(users, TableDef) and users.primary_key == ("user_id",)


def test_hash_follows_sql_udf_and_model(project: Path) -> None:
    before = {j.path: j.hash for j in compile_project(project).jobs}
    model = project / "models" / "ctr.onnx"
    model.write_bytes(model.read_bytes() + b"\0")
    after_model = {j.path: j.hash for j in compile_project(project).jobs}
    assert [p for p in before if before[p] != after_model[p]] == ["sql/scoring/score.sql"]
    ctr = project / "sql" / "feedback" / "ctr.sql"
    ctr.write_text(ctr.read_text().replace("INTERVAL '1' MINUTE", "INTERVAL '2' MINUTE"))
    after_sql = {j.path: j.hash for j in compile_project(project).jobs}
    assert [p for p in before if after_model[p] != after_sql[p]] == ["sql/feedback/ctr.sql"]
    sources = project / "sql" / "common" / "sources.sql"
    sources.write_text(sources.read_text().replace("'format' = 'csv'", "'format' = 'json'"))
    after_dep = {j.path: j.hash for j in compile_project(project).jobs}
    assert sorted(p for p in before if after_sql[p] != after_dep[p]) == ["sql/common/sources.sql",
                                                                         "sql/feedback/ctr.sql"]


def test_lineage(project: Path) -> None:
    compiled = compile_project(project)
    assert lineage(compiled.project) == [
        Flow("top_ads", "sql/analysis/top_ads.sql", 27, ("impressions",), (), (), ()),
        Flow("per_country", "sql/analysis/top_ads.sql", 39, ("impressions", "users"), (), (), ()),
        Flow("ctr_per_minute", "sql/feedback/ctr.sql", 23, ("impressions", "clicks"), ("clicked",), (), ()),
        Flow("scores", "sql/scoring/score.sql", 19, ("impressions", "users"), (),
             ("bucket", "clean_label", "ctr_score"), ("models/ctr.onnx",)),
        Flow("tag_counts", "sql/scoring/score.sql", 19, ("impressions",), (), (), ()),
    ]
    assert render_text(lineage(compiled.project, {"sql/scoring/score.sql"})) == (
        "scores  <- impressions, users    [sql/scoring/score.sql:19]\n"
        "    udfs:   bucket, clean_label, ctr_score\n"
        "    models: models/ctr.onnx\n"
        "tag_counts  <- impressions    [sql/scoring/score.sql:19]")
