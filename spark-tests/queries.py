"""The Spark SQL battery: named queries per dataset family, run against the view `t`.

Every query runs on each direction's DataFrame and on the two references (Spark's JSON reader
and Spark's own Parquet); results are compared as sorted row sets with a float tolerance.
Three queries are generated from the dataset's schema and run on every dataset (null counts of
every column, size() of every array and map, the deepest column); the rest are written for a
dataset's shape: explode/posexplode two and three levels deep, filters and aggregations on
nested fields, map access, higher-order functions, and filters Spark pushes down into the
Parquet scan (`pushdown` names the columns that must appear in the scan's PushedFilters).

The queries mean the same on Spark 3.5 and Spark 4, whose ANSI mode (on by default) makes
`a[i]` and `element_at(a, i)` past an array's end an error: they use `get(a, i)` and
`try_element_at(a, i)`, which give NULL there on both lines.
"""

from dataclasses import dataclass
from typing import Callable, Tuple, Union


@dataclass(frozen=True)
class Query:
    name: str
    sql: Union[str, Callable]  # text, or a function of the Spark schema S returning text
    pushdown: Tuple[str, ...] = ()

    def text(self, schema) -> str:
        return self.sql(schema) if callable(self.sql) else self.sql


# ---------------------------------------------------------------------------------------------
# Generated from the schema


def quote(path):
    return ".".join("`" + p.replace("`", "``") + "`" for p in path)


def walk(schema, prefix=()):
    """(path, dataType) of every column not inside an array or map, parents before children."""
    from pyspark.sql.types import StructType

    for f in schema.fields:
        path = prefix + (f.name,)
        yield path, f.dataType
        if isinstance(f.dataType, StructType):
            yield from walk(f.dataType, path)


def null_counts(schema):
    """count(*) - count(c) for every column up to 8 levels deep (Spark's planner runs out of
    heap on the 30 nested struct paths of the edge dataset's deep object in one aggregate)."""
    cols = [f"count(*) - count({quote(p)}) AS `n{i}`" for i, (p, _) in enumerate(walk(schema)) if len(p) <= 8]
    return "SELECT count(*) AS rows, " + ", ".join(cols) + " FROM t"


def collection_sizes(schema):
    """size() of every array and map column: -1 for null, 0 for empty (Spark 3.5's default)."""
    from pyspark.sql.types import ArrayType, MapType

    cols = [f"size({quote(p)}) AS `s{i}`" for i, (p, t) in enumerate(walk(schema)) if isinstance(t, (ArrayType, MapType))]
    if not cols:
        raise AssertionError("collection_sizes: the dataset has no array or map column")
    return "SELECT " + ", ".join(cols) + " FROM t"


def deepest_column(schema):
    """Projection of the single deepest column (a scan reading one leaf of a deep struct)."""
    from pyspark.sql.types import StructType

    path = max((p for p, t in walk(schema) if not isinstance(t, StructType)), key=len)
    return f"SELECT {quote(path)} AS deep FROM t"


GENERIC = [
    Query("null_counts", null_counts),
    Query("collection_sizes", collection_sizes),
    Query("deepest_column", deepest_column),
]

# ---------------------------------------------------------------------------------------------
# Per dataset family


def _deep_path(levels, leaf):
    return "deep." + "n." * levels + leaf


BY_FAMILY = {
    "activedata": [
        Query(
            "ad_subtests_by_status",
            "SELECT st.status AS status, count(*) AS n, count(DISTINCT st.name) AS names, "
            "sum(CASE WHEN st.ok THEN 1 ELSE 0 END) AS oks, avg(st.timing.duration) AS avg_duration "
            "FROM t LATERAL VIEW explode(result.subtests) s AS st GROUP BY st.status",
        ),
        Query(
            "ad_posexplode_assertions_2lvl",
            "SELECT _id, si, ai, a.index AS idx, a.kind AS kind, a.ok AS ok, size(a.values) AS nvalues "
            "FROM t LATERAL VIEW posexplode(result.subtests) s AS si, st "
            "LATERAL VIEW posexplode(st.assertions) x AS ai, a",
        ),
        Query(
            "ad_explode_values_3lvl",
            "SELECT _id, st.name AS subtest, a.index AS idx, v.name AS vname, v.value AS vvalue, v.path AS vpath "
            "FROM t LATERAL VIEW explode(result.subtests) s AS st LATERAL VIEW explode(st.assertions) x AS a "
            "LATERAL VIEW explode(a.values) y AS v",
        ),
        Query(
            "ad_explode_outer_frames_3lvl",
            "SELECT _id, f.file AS file, f.line AS line, f.column AS col, f.func AS func "
            "FROM t LATERAL VIEW OUTER explode(result.subtests) s AS st "
            "LATERAL VIEW OUTER explode(st.assertions) x AS a LATERAL VIEW OUTER explode(a.frames) y AS f",
        ),
        Query(
            "ad_group_by_array_sizes",
            "SELECT size(task.tags) AS ntags, size(run.type) AS ntypes, size(repo.bug) AS nbugs, count(*) AS n "
            "FROM t GROUP BY size(task.tags), size(run.type), size(repo.bug)",
        ),
        Query(
            "ad_filter_nested",
            "SELECT _id, result.test AS test, result.duration AS duration, build.platform AS platform FROM t "
            "WHERE result.ok = false AND build.platform LIKE 'win%' AND run.machine.os IS NOT NULL",
        ),
        Query(
            "ad_group_by_branch",
            "SELECT build.branch AS branch, build.type AS btype, count(*) AS n, avg(run.stats.total) AS avg_total, "
            "max(result.duration) AS max_duration, sum(run.stats.bytes) AS bytes, "
            "count(result.crash) AS crashes FROM t GROUP BY build.branch, build.type",
        ),
        Query(
            "ad_pushdown_branch_total",
            "SELECT _id, run.stats.total AS total FROM t "
            "WHERE build.branch = 'mozilla-beta' AND run.stats.total > 3000",
            pushdown=("build.branch", "run.stats.total"),
        ),
        Query(
            "ad_pushdown_retry_worker",
            "SELECT _id, task.retry_id AS retry, task.worker.group AS grp FROM t "
            "WHERE task.retry_id >= 3 AND task.worker.group = 'us-east-1'",
            pushdown=("task.retry_id", "task.worker.group"),
        ),
        Query(
            "ad_crash_frames",
            "SELECT f.func AS func, count(*) AS n, max(f.line) AS maxline "
            "FROM t LATERAL VIEW explode(result.crash.frames) x AS f GROUP BY f.func",
        ),
        Query(
            "ad_higher_order",
            "SELECT _id, aggregate(transform(result.subtests, s -> size(s.assertions)), 0, (a, b) -> a + b) AS nassert, "
            "exists(result.subtests, s -> s.status = 'FAIL') AS anyfail, "
            "transform(filter(task.tags, g -> g.name = 'label'), g -> g.value) AS labels FROM t",
        ),
        Query(
            "ad_map_from_tags",
            "SELECT _id, m['label0'] AS first_label, size(m) AS n FROM "
            "(SELECT _id, map_from_entries(transform(task.tags, (g, i) -> struct(concat(g.name, cast(i AS string)), g.value))) AS m FROM t)",
        ),
    ],
    "wide": [
        Query(
            "wide_group_nested",
            "SELECT client.device.paint_mode AS mode, env.os.mem_mode AS mem_mode, count(*) AS n, "
            "avg(client.device.boot_p95) AS boot, sum(client.device.key_ts) AS key_ts FROM t "
            "GROUP BY client.device.paint_mode, env.os.mem_mode",
        ),
        Query(
            "wide_pushdown_nested_double",
            "SELECT event_id, client.device.tls_ms AS tls_ms FROM t "
            "WHERE client.device.tls_ms > 100 AND env.os.tls_on = true",
            pushdown=("client.device.tls_ms", "env.os.tls_on"),
        ),
        Query("wide_posexplode_samples", "SELECT event_id, pos, v FROM t LATERAL VIEW posexplode(samples_ms) x AS pos, v"),
        Query("wide_bucket_ids", "SELECT b, count(*) AS n FROM t LATERAL VIEW explode(bucket_ids) x AS b GROUP BY b"),
        Query("wide_tags_outer", "SELECT tg, count(*) AS n FROM t LATERAL VIEW OUTER explode(tags) x AS tg GROUP BY tg"),
    ],
    "github_events": [
        Query(
            "gh_commits_explode",
            "SELECT id, c.sha AS sha, c.author.name AS author, c.distinct AS dist FROM t "
            "LATERAL VIEW explode(payload.commits) x AS c",
        ),
        Query(
            "gh_type_counts",
            "SELECT type, count(*) AS n, count(payload.commits) AS with_commits, "
            "sum(size(payload.commits)) AS commits, max(payload.size) AS max_size FROM t GROUP BY type",
        ),
        Query(
            "gh_forkee_filter",
            "SELECT repo.name AS repo, payload.forkee.owner.login AS owner, payload.forkee.watchers AS watchers "
            "FROM t WHERE payload.forkee.fork = true OR payload.forkee.forks >= 0",
            pushdown=("payload.forkee.fork",),
        ),
        Query("gh_pages", "SELECT id, p.page_name AS page, p.action AS action, p.summary AS summary FROM t LATERAL VIEW explode(payload.pages) x AS p"),
        Query(
            "gh_issue_labels",
            "SELECT id, size(payload.issue.labels) AS nlabels, payload.issue.user.login AS login, "
            "payload.comment.body AS body FROM t WHERE payload.issue IS NOT NULL",
        ),
    ],
    "twitter": [
        Query("tw_hashtags", "SELECT id, h.text AS tag, h.indices AS idx FROM t LATERAL VIEW explode(entities.hashtags) x AS h"),
        Query(
            "tw_user_url_indices_3lvl",
            "SELECT id, u.expanded_url AS url, pos, i FROM t LATERAL VIEW explode(user.entities.description.urls) x AS u "
            "LATERAL VIEW posexplode(u.indices) y AS pos, i",
        ),
        Query(
            "tw_group_lang",
            "SELECT user.lang AS lang, metadata.iso_language_code AS code, count(*) AS n, sum(retweet_count) AS rts, "
            "max(user.followers_count) AS followers, min(user.created_at) AS oldest FROM t GROUP BY user.lang, metadata.iso_language_code",
        ),
        Query(
            "tw_media_sizes",
            "SELECT m.id_str AS mid, m.sizes.large.w AS w, m.sizes.large.h AS h, m.sizes.thumb.resize AS resize "
            "FROM t LATERAL VIEW explode(entities.media) x AS m",
        ),
        Query("tw_unicode_text", "SELECT id, length(text) AS len, text FROM t WHERE text RLIKE '[^\\\\x00-\\\\x7F]'"),
        Query(
            "tw_pushdown_retweeted_user",
            "SELECT id_str, retweeted_status.user.screen_name AS orig, retweeted_status.retweet_count AS rts FROM t "
            "WHERE retweeted_status.user.followers_count > 100",
            pushdown=("retweeted_status.user.followers_count",),
        ),
    ],
    "citm_catalog": [
        Query(
            "citm_areas_2lvl",
            "SELECT id, sc.seatCategoryId AS cat, a.areaId AS area, size(a.blockIds) AS nblocks FROM t "
            "LATERAL VIEW explode(seatCategories) x AS sc LATERAL VIEW explode(sc.areas) y AS a",
        ),
        Query(
            "citm_prices",
            "SELECT p.seatCategoryId AS cat, count(*) AS n, sum(p.amount) AS total, min(p.amount) AS lo, "
            "max(p.audienceSubCategoryId) AS sub FROM t LATERAL VIEW explode(prices) x AS p GROUP BY p.seatCategoryId",
        ),
        Query(
            "citm_pushdown_start",
            "SELECT venueCode, count(*) AS n, min(start) AS first, max(start) AS last FROM t "
            "WHERE start > 1380000000000 GROUP BY venueCode",
            pushdown=("start",),
        ),
    ],
    "glean_pings": [
        Query(
            "glean_events",
            "SELECT ping_info.ping_type AS ping, e.category AS category, e.name AS name, e.extra.reason AS reason, "
            "e.session.session_seq AS seq FROM t LATERAL VIEW OUTER explode(events) x AS e",
        ),
        Query(
            "glean_counters",
            "SELECT ping_info.ping_type AS ping, metrics.counter.`examples.counter_example` AS counter, "
            "metrics.labeled_counter.`examples.labeled_counter_example`.a AS a, "
            "metrics.labeled_counter.`examples.labeled_counter_example`.`__other__` AS other, "
            "metrics.quantity.`examples.quantity_example` AS quantity FROM t",
        ),
        Query(
            "glean_histogram",
            "SELECT h.`values`.`13` AS b13, h.`values`.`1000005` AS b1000005, h.sum AS sum, h.range AS rng "
            "FROM (SELECT metrics.timing_distribution.`examples.timing_distribution_example` AS h FROM t)",
        ),
    ],
    "dremel": [
        Query(
            "dremel_name_language",
            "SELECT DocId, n.Url AS url, l.Code AS code, l.Country AS country FROM t "
            "LATERAL VIEW explode(Name) x AS n LATERAL VIEW OUTER explode(n.Language) y AS l",
        ),
        Query(
            "dremel_links",
            "SELECT DocId, size(Links.Backward) AS nb, size(Links.Forward) AS nf, get(Links.Forward, 0) AS f0, "
            "try_element_at(Links.Backward, -1) AS blast FROM t",
        ),
        Query(
            "dremel_posexplode_name",
            "SELECT DocId, pos, n.Url AS url, size(n.Language) AS nlang FROM t LATERAL VIEW posexplode(Name) x AS pos, n",
        ),
        Query("dremel_country_gb", "SELECT DocId FROM t WHERE exists(Name, n -> exists(n.Language, l -> l.Country = 'gb'))"),
    ],
    "edge": [
        Query(
            "edge_sizes_every_depth",
            "SELECT id, size(a0) AS a0, size(aa) AS aa, transform(aa, x -> size(x)) AS aa1, size(aaa) AS aaa, "
            "transform(aaa, x -> transform(x, y -> size(y))) AS aaa2, size(ao) AS ao, transform(ao, x -> size(x.l)) AS ao1, "
            "transform(ao, x -> transform(x.l, y -> size(y.z))) AS ao2, size(o.l) AS ol, size(o.ll) AS oll, "
            "transform(o.ll, x -> size(x)) AS oll1, size(o.inner.l2) AS ol2 FROM t",
        ),
        Query(
            "edge_posexplode_ao_3lvl",
            "SELECT id, i, x.x AS x, j, l.y AS y, z FROM t LATERAL VIEW OUTER posexplode(ao) a AS i, x "
            "LATERAL VIEW OUTER posexplode(x.l) b AS j, l LATERAL VIEW OUTER explode(l.z) c AS z",
        ),
        Query("edge_arrays_of_arrays", "SELECT id, aa, get(aa, 0) AS first, flatten(aaa) AS flat1, inner FROM t LATERAL VIEW OUTER explode(aa) x AS inner"),
        Query(
            "edge_int_extremes",
            "SELECT min(big) AS lo, max(big) AS hi, sum(CASE WHEN big BETWEEN -1000 AND 1000 THEN big END) AS small, "
            "min(huge) AS hlo, max(huge) AS hhi, count(huge) AS nh, max(num) AS maxnum, min(f) AS minf FROM t",
        ),
        Query(
            "edge_unicode_keys_values",
            "SELECT id, `名前` AS name, `ключ` AS key, `emoji 😀` AS emoji, `a b` AS ab, s, length(s) AS len, "
            "hex(encode(s, 'UTF-8')) AS utf8 FROM t",
        ),
        Query(
            "edge_deep_struct_30",
            f"SELECT id, {_deep_path(30, 'leaf')} AS leaf, {_deep_path(30, 'tag')} AS tag, {_deep_path(2, 'k')} AS k2, "
            f"{_deep_path(1, 'n')} IS NULL AS n2null FROM t",
        ),
        Query(
            "edge_deep_array_20",
            "SELECT id, size(deeparr) AS n, " + "get(" * 20 + "deeparr" + ", 0)" * 20 + " AS leaf, "
            "flatten(get(get(deeparr, 0), 0)) AS f FROM t",
        ),
        Query(
            "edge_empty_and_null_objects",
            "SELECT id, e IS NULL AS e_null, e._empty_object AS placeholder, nothing, o IS NULL AS o_null, "
            "o.inner IS NULL AS inner_null, o.inner.w AS w FROM t",
        ),
        Query("edge_pushdown_big", "SELECT id, big FROM t WHERE big > 0", pushdown=("big",)),
    ],
    "heterogeneous": [
        Query(
            "het_admin_members",
            "SELECT _id, account_admin.string AS s, account_admin.long AS l, size(account_admin.array) AS n, "
            "account_admin.object.name AS name, account_admin.object.id.long AS oid, account_admin.object.id.string AS sid FROM t",
        ),
        Query(
            "het_admin_member_counts",
            "SELECT count(account_admin) AS n, count(account_admin.string) AS s, count(account_admin.long) AS l, "
            "count(account_admin.array) AS a, count(account_admin.object) AS o FROM t",
        ),
        Query(
            "het_admin_array_posexplode",
            "SELECT _id, pos, e.long AS l, e.string AS s FROM t LATERAL VIEW posexplode(account_admin.array) x AS pos, e",
        ),
        Query(
            "het_tags_array_or_object",
            "SELECT g.name AS name, g.value AS value, count(*) AS n FROM t LATERAL VIEW explode(task.tags.array) x AS g "
            "GROUP BY g.name, g.value UNION ALL SELECT 'object' AS name, task.tags.object.label AS value, count(*) AS n FROM t "
            "WHERE task.tags.object IS NOT NULL GROUP BY task.tags.object.label",
        ),
        Query(
            "het_union_inside_array_of_objects",
            "SELECT _id, si, st.timing.double AS bare, st.timing.object.duration AS dur, st.status.long AS sl, "
            "st.status.string AS ss, st.message.array AS marr FROM t LATERAL VIEW posexplode(result.subtests) s AS si, st",
        ),
        Query(
            "het_union_3lvl_values",
            "SELECT v.value.boolean AS b, v.value.double AS d, v.value.string AS s, size(v.value.array) AS n_array, "
            "count(v.value.object) AS n_object, count(*) AS n FROM t LATERAL VIEW explode(result.subtests) s AS st "
            "LATERAL VIEW explode(st.assertions) x AS a LATERAL VIEW explode(a.values) y AS v "
            "GROUP BY v.value.boolean, v.value.double, v.value.string, size(v.value.array)",
        ),
        Query(
            "het_group_by_union_members",
            "SELECT result.ok.boolean AS b, result.ok.long AS l, result.ok.string AS s, count(*) AS n, "
            "avg(result.duration.double) AS avg_duration, count(result.duration.string) AS text_durations FROM t "
            "GROUP BY result.ok.boolean, result.ok.long, result.ok.string",
        ),
        Query(
            "het_pushdown_union_member",
            "SELECT _id, build.date.long AS d FROM t WHERE build.date.long > 1483200000",
            pushdown=("build.date.long",),
        ),
    ],
    "account_admin": [
        Query(
            "aa_members",
            "SELECT id, account_admin.string AS s, account_admin.double AS d, account_admin.boolean AS b, "
            "size(account_admin.array) AS n, account_admin.object.role AS role, account_admin.object.level.long AS level_l, "
            "account_admin.object.level.string AS level_s, account_admin.object.name.string AS name_s, "
            "account_admin.object.name.object.first AS first FROM t",
        ),
        Query(
            "aa_member_counts",
            "SELECT count(*) AS rows, count(account_admin) AS n, count(account_admin.string) AS s, "
            "count(account_admin.double) AS d, count(account_admin.boolean) AS b, count(account_admin.array) AS a, "
            "count(account_admin.object) AS o FROM t",
        ),
        Query(
            "aa_array_of_unions_2lvl",
            "SELECT id, pos, e.long AS l, e.string AS s, e.object.k AS k, j, ee.long AS el, ee.array AS ea FROM t "
            "LATERAL VIEW posexplode(account_admin.array) x AS pos, e LATERAL VIEW OUTER posexplode(e.array) y AS j, ee",
        ),
        Query(
            "aa_union_in_array_of_objects",
            "SELECT id, pos, p.v.long AS l, p.v.string AS s, p.v.boolean AS b, p.v.array AS a, p.v.object.deep AS deep, "
            "p.w AS w FROM t LATERAL VIEW OUTER posexplode(perms) x AS pos, p",
        ),
        Query("aa_decimal_and_double", "SELECT id, score.decimal AS dec, score.double AS dbl FROM t WHERE score IS NOT NULL"),
        Query(
            "aa_pushdown_member",
            "SELECT id FROM t WHERE account_admin.string = 'alice' OR account_admin.double > 10",
            pushdown=("account_admin.string", "account_admin.double"),
        ),
    ],
    "maps": [
        Query(
            "map_access",
            "SELECT id, attrs['color'] AS color, counts['a'] AS a, element_at(counts, 'zz') AS zz, attrs[''] AS empty_key, "
            "attrs['ünïcode kéy'] AS unicode, tags_by_lang['en'] AS en FROM t",
        ),
        Query("map_explode", "SELECT id, k, v FROM t LATERAL VIEW explode(counts) x AS k, v"),
        Query(
            "map_of_struct_arrays_explode",
            "SELECT id, k, i.v AS v, i.w AS w FROM t LATERAL VIEW explode(nested) x AS k, s LATERAL VIEW OUTER explode(s.items) y AS i",
        ),
        Query(
            "map_keys_sizes",
            "SELECT id, array_sort(map_keys(attrs)) AS keys, size(counts) AS ncounts, size(tags_by_lang['fr']) AS nfr, "
            "size(nested['x'].items) AS nx FROM t",
        ),
        Query("map_filter_value", "SELECT id FROM t WHERE counts['a'] > 0 OR attrs['color'] = 'blue'"),
    ],
}


def queries_for(family: str):
    return GENERIC + BY_FAMILY[family]
