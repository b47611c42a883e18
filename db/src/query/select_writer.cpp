// A Select written as SQL: the FROM list worked out from select_from(), the
// joins and the tables the expressions use; correlation with enclosing
// queries; UNIONs; and the SqlWriter entry point for nested selects.
#include <starling/db/query.hpp>

#include <starling/db/schema.hpp>

#include "query/node.hpp"
#include "query/sql_writer.hpp"

#include <algorithm>
#include <utility>

namespace starling::db::detail {

namespace {

bool contains(const std::vector<SourcePtr>& sources, const SourcePtr& source) {
  return std::any_of(sources.begin(), sources.end(), [&](const SourcePtr& other) { return other->same_as(*source); });
}

bool in_scopes(const std::vector<std::vector<SourcePtr>>& scopes, const SourcePtr& source) {
  return std::any_of(scopes.begin(), scopes.end(), [&](const auto& scope) { return contains(scope, source); });
}

// Two distinct entries with one name would make the qualified SQL ambiguous.
void check_distinct_names(const std::vector<SourcePtr>& sources) {
  for (std::size_t i = 0; i < sources.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (sources[i]->name() == sources[j]->name()) {
        const bool tables =
            sources[i]->table && sources[j]->table && sources[i]->alias.empty() && sources[j]->alias.empty();
        if (tables) throw ProgrammingError("SELECT uses two different tables named \"" + sources[i]->name() + "\"");
        throw ProgrammingError("SELECT uses two sources named \"" + sources[i]->name() + "\": alias() one of them");
      }
}

ColumnRef column_of(const SourceData& source, std::size_t index) {
  return ColumnRef(source.table, index, source.alias);
}

// The one foreign key between `target` and the sources already joined, as an ON condition.
Expression foreign_key_condition(const std::vector<SourcePtr>& joined, const SourceData& target) {
  if (!target.table)
    throw ProgrammingError("join() to subquery \"" + target.alias + "\" needs an ON condition: join(sub, condition)");
  std::vector<Expression> found;
  // `from`'s foreign keys that point at `to`, as `from.fk = to.key`.
  const auto links = [&](const SourceData& from, const SourceData& to) {
    for (std::size_t i = 0; i < from.table->columns.size(); ++i) {
      const auto& key = from.table->columns[i].foreign_key();
      if (!key || key->table() != to.table->name) continue;
      const auto referenced = to.table->find(key->column());
      if (referenced) found.push_back(column_of(from, i) == column_of(to, *referenced));
    }
  };
  bool self_join = false;
  for (const auto& left : joined) {
    if (!left->table) continue;
    // Which side of a self-referencing key is which is the caller's to say.
    if (left->table == target.table) {
      self_join = true;
      continue;
    }
    links(target, *left);
    links(*left, target);
  }
  if (found.size() == 1) return found.front();
  if (found.empty() && self_join)
    throw ProgrammingError("join() to \"" + target.name() +
                           "\" without an ON condition: a self-join needs one: join(table, condition)");
  throw ProgrammingError("join() to \"" + target.name() + "\" without an ON condition: " +
                         (found.empty() ? "no foreign key links it to the tables before it"
                                        : "several foreign keys link it to the tables before it") +
                         "; give one: join(table, condition)");
}

bool is_bound_value(const Expression& expression) { return expression.node()->kind == Node::Kind::literal; }

// A bare C++ value converts to a bound parameter anywhere an expression goes:
// where it can only be a mistake for a column ("owner" for t.c("owner")), say so.
void refuse_bound_values(const std::vector<Expression>& columns, const std::vector<Expression>& group_by,
                         const std::vector<OrderBy>& order) {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (is_bound_value(columns[i]))
      throw ProgrammingError("select list item " + std::to_string(i + 1) +
                             " is a bound value, not a column: use table.c(name), or label() a value meant as one");
  for (const auto& term : group_by)
    if (is_bound_value(term))
      throw ProgrammingError("GROUP BY a bound value groups every row together: use table.c(name)");
  for (const auto& term : order)
    if (is_bound_value(term.expression()))
      throw ProgrammingError("ORDER BY a bound value orders nothing: use table.c(name)");
}

}  // namespace

struct SelectWriter {
  static void write(SqlWriter& sql, const Select& query) {
    if (query.compound_.empty()) {
      body(sql, query, true);
    } else {
      body(sql, query, false);
      for (const auto& part : query.compound_) {
        if (!part.select->compound_.empty())
          throw ProgrammingError("a UNION inside a UNION: make the inner one a subquery()");
        sql.raw(part.all ? " UNION ALL " : " UNION ");
        body(sql, *part.select, false);
      }
      // A compound's ORDER BY names result columns, never a table's.
      const bool qualify = sql.qualify();
      sql.set_qualify(false);
      order(sql, query);
      sql.set_qualify(qualify);
    }
    limit(sql, query);
  }

 private:
  // SELECT ... FROM ... WHERE ... GROUP BY ... HAVING ... [ORDER BY ...]
  static void body(SqlWriter& sql, const Select& query, bool with_order) {
    refuse_bound_values(query.columns_, query.group_by_, with_order ? query.order_ : std::vector<OrderBy>{});
    std::vector<SourcePtr> used;
    for (const auto& column : query.columns_) collect_sources(column, used);
    if (query.where_) collect_sources(*query.where_, used);
    for (const auto& term : query.group_by_) collect_sources(term, used);
    if (query.having_) collect_sources(*query.having_, used);
    if (with_order)
      for (const auto& term : query.order_) collect_sources(term.expression(), used);

    std::vector<SourcePtr> items;  // the comma-separated FROM list; joins hang off the first
    for (const auto& source : query.from_) add_source(items, source);
    std::vector<SourcePtr> joined;
    for (const auto& join : query.joins_) add_source(joined, join.target);
    // In a subquery, a table of an enclosing query is the outer row's (correlation), unless
    // the subquery would have nothing of its own to read.
    std::vector<SourcePtr> implicit, correlated;
    for (const auto& source : used) {
      if (contains(items, source) || contains(joined, source)) continue;
      (in_scopes(sql.scopes(), source) ? correlated : implicit).push_back(source);
    }
    if (items.empty() && implicit.empty() && joined.empty()) std::swap(implicit, correlated);
    items.insert(items.end(), implicit.begin(), implicit.end());

    if (query.columns_.empty() && query.from_.empty())
      throw ProgrammingError("SELECT has no columns: list them or call select_from()");
    if (items.empty()) throw ProgrammingError("SELECT has no table: list columns or call select_from()");
    std::vector<SourcePtr> all = items;
    for (const auto& source : joined) add_source(all, source);
    std::vector<SourcePtr> named = all;
    named.insert(named.end(), correlated.begin(), correlated.end());
    check_distinct_names(named);

    check_join_conditions(sql, query, items.front());

    // Columns are qualified only when the statement reads several tables: the
    // common single-table query stays as readable as hand-written SQL.
    const bool saved_qualify = sql.qualify();
    sql.set_qualify(named.size() > 1);
    sql.scopes().push_back(all);

    sql.raw(query.distinct_ ? "SELECT DISTINCT " : "SELECT ");
    if (query.columns_.empty())
      every_column(sql, *query.from_.front());
    else
      sql.select_list(query.columns_);
    sql.raw(" FROM ");
    source(sql, items.front());
    std::vector<SourcePtr> before = {items.front()};
    for (const auto& join : query.joins_) {
      sql.raw(join.outer ? " LEFT OUTER JOIN " : " JOIN ");
      source(sql, join.target);
      sql.raw(" ON ").expression(join.on ? *join.on : foreign_key_condition(before, *join.target));
      before.push_back(join.target);
    }
    for (std::size_t i = 1; i < items.size(); ++i) source(sql.raw(", "), items[i]);
    if (query.where_) sql.raw(" WHERE ").expression(*query.where_);
    for (std::size_t i = 0; i < query.group_by_.size(); ++i)
      sql.raw(i == 0 ? " GROUP BY " : ", ").expression(query.group_by_[i]);
    if (query.having_) sql.raw(" HAVING ").expression(*query.having_);
    if (with_order) order(sql, query);

    sql.scopes().pop_back();
    sql.set_qualify(saved_qualify);
  }

  // Each ON may use its target, what is joined before it, and enclosing queries' tables.
  static void check_join_conditions(SqlWriter& sql, const Select& query, const SourcePtr& first) {
    std::vector<SourcePtr> before = {first};
    for (const auto& join : query.joins_) {
      std::vector<SourcePtr> on_sources;
      if (join.on) collect_sources(*join.on, on_sources);
      for (const auto& used_source : on_sources)
        if (!used_source->same_as(*join.target) && !contains(before, used_source) &&
            !in_scopes(sql.scopes(), used_source))
          throw ProgrammingError("join() to \"" + join.target->name() + "\": its ON condition uses \"" +
                                 used_source->name() +
                                 "\", which is not in the query before it: select_from() or join() it first");
      before.push_back(join.target);
    }
  }

  static void every_column(SqlWriter& sql, const SourceData& from) {
    if (!from.table) {
      for (const auto& name : from.columns)
        if (name.empty())
          throw ProgrammingError("subquery \"" + from.alias +
                                 "\" has a column without a name: label() its expressions to select them all");
      for (std::size_t i = 0; i < from.columns.size(); ++i)
        sql.raw(i == 0 ? "" : ", ").identifier(from.alias).raw(".").identifier(from.columns[i]);
      return;
    }
    for (std::size_t i = 0; i < from.table->columns.size(); ++i) {
      if (i > 0) sql.raw(", ");
      sql.expression(column_of(from, i));
    }
  }

  static void source(SqlWriter& sql, const SourcePtr& source) {
    if (source->select) {
      sql.raw("(").select(*source->select, false).raw(") AS ").identifier(source->alias);
      return;
    }
    sql.identifier(source->table->name);
    if (!source->alias.empty()) sql.raw(" AS ").identifier(source->alias);
  }

  static void order(SqlWriter& sql, const Select& query) {
    for (std::size_t i = 0; i < query.order_.size(); ++i) {
      const auto& term = query.order_[i];
      sql.raw(i == 0 ? " ORDER BY " : ", ").expression(term.expression());
      if (term.descending()) sql.raw(" DESC");
      if (term.nulls() == OrderBy::Nulls::first) sql.raw(" NULLS FIRST");
      if (term.nulls() == OrderBy::Nulls::last) sql.raw(" NULLS LAST");
    }
  }

  static void limit(SqlWriter& sql, const Select& query) {
    if (query.limit_) sql.raw(" LIMIT ").param(*query.limit_);
    // SQLite has no OFFSET without a LIMIT; -1 means none.
    if (query.offset_ && !query.limit_ && sql.dialect() == Dialect::sqlite) sql.raw(" LIMIT -1");
    if (query.offset_) sql.raw(" OFFSET ").param(*query.offset_);
  }
};

SqlWriter& SqlWriter::select(const Select& query, bool correlate) {
  // A derived table cannot see the enclosing query's tables (it is not LATERAL).
  auto saved_scopes = correlate ? scopes_ : std::exchange(scopes_, {});
  const bool saved_qualify = qualify_;
  SelectWriter::write(*this, query);
  scopes_ = std::move(saved_scopes);
  qualify_ = saved_qualify;
  return *this;
}

}  // namespace starling::db::detail

namespace starling::db {

CompiledQuery Select::compile(Dialect dialect) const {
  detail::SqlWriter sql(dialect, false);
  detail::SelectWriter::write(sql, *this);
  return std::move(sql).finish(true);
}

}  // namespace starling::db
