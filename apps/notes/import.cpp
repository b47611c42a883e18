#include "import.hpp"

#include "note_input.hpp"
#include "tables.hpp"

#include <starling/db/transaction.hpp>
#include <starling/exceptions.hpp>

#include <algorithm>
#include <cctype>
#include <functional>

namespace notes {
namespace {

using nlohmann::json;
using starling::HTTPException;

std::string lower(std::string_view text) {
  std::string result(text);
  for (auto& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

[[noreturn]] void bad_row(std::size_t row, const std::string& field, const std::string& message) {
  throw HTTPException(422, json{{"row", row}, {"field", field}, {"message", message}});
}

std::vector<NoteInput> notes_from_json(const std::string& content) {
  const json rows = json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (rows.is_discarded()) throw HTTPException(422, "the file is not valid JSON");
  if (!rows.is_array()) throw HTTPException(422, "the JSON file must hold an array of notes");
  std::vector<NoteInput> notes;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    try {
      notes.push_back(note_from_json(rows[i], /*partial=*/false));
    } catch (const HTTPException& e) {
      // The same checks as POST /notes; the row number added to its first problem.
      const json& detail = e.detail();
      if (detail.is_array() && !detail.empty())
        bad_row(i + 1, detail[0].value("field", ""), detail[0].value("message", ""));
      bad_row(i + 1, "", detail.is_string() ? detail.get<std::string>() : detail.dump());
    }
  }
  return notes;
}

std::vector<NoteInput> notes_from_csv(const std::string& content) {
  const auto records = parse_csv(content);
  if (records.empty()) throw HTTPException(422, "the CSV file has no header");
  const auto& header = records.front();
  std::size_t text_column = header.size();
  std::size_t completed_column = header.size();
  for (std::size_t i = 0; i < header.size(); ++i) {
    const auto name = lower(header[i]);
    if (name == "text") {
      text_column = i;
    } else if (name == "completed") {
      completed_column = i;
    } else {
      throw HTTPException(422, "the CSV header names '" + header[i] + "': a note has only text and completed");
    }
  }
  if (text_column == header.size() || completed_column == header.size())
    throw HTTPException(422, "the CSV header must name both text and completed");
  std::vector<NoteInput> notes;
  for (std::size_t row = 1; row < records.size(); ++row) {
    const auto& fields = records[row];
    if (fields.size() != header.size())
      bad_row(row, "",
              "has " + std::to_string(fields.size()) + " fields; the header has " + std::to_string(header.size()));
    const auto completed = lower(fields[completed_column]);
    if (completed != "true" && completed != "false")
      bad_row(row, "completed", "\"completed\" must be true or false, not \"" + fields[completed_column] + "\"");
    notes.push_back(NoteInput{fields[text_column], completed == "true"});
  }
  return notes;
}

}  // namespace

std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  bool field_started = false;
  const auto end_record = [&] {
    if (field_started || !record.empty()) {
      record.push_back(std::move(field));
      records.push_back(std::move(record));
    }
    record.clear();
    field.clear();
    field_started = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c != '"') {
        field += c;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        quoted = false;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      field_started = true;  // a record "a," has two fields
    } else if (c == '\n') {
      end_record();
    } else if (c != '\r') {
      field += c;
      field_started = true;
    }
  }
  if (quoted) throw HTTPException(422, "the CSV file ends inside a quoted field");
  end_record();
  return records;
}

starling::awaitable<starling::Response> import_notes(starling::Request& request, starling::db::Database& database,
                                                     LiveNotes& live) {
  starling::FormLimits limits;
  limits.max_files = 1;
  limits.max_fields = 10;
  const auto form = co_await request.form(limits);
  const auto file = form.file("file");
  if (!file) throw HTTPException(422, "send the notes as the form's \"file\" field, a .json or .csv file");
  const auto name = lower(file->filename());
  const auto type = lower(file->content_type());
  const std::string content = file->read();
  std::vector<NoteInput> notes_read;
  if (name.ends_with(".json") || type == "application/json") {
    notes_read = notes_from_json(content);
  } else if (name.ends_with(".csv") || type == "text/csv") {
    notes_read = notes_from_csv(content);
  } else {
    throw HTTPException(415, "import a .json or .csv file, not '" + file->filename() + "'");
  }
  if (notes_read.empty()) throw HTTPException(422, "the file holds no notes");
  std::vector<starling::db::Values> rows;
  for (const auto& note : notes_read) rows.push_back(note.values());
  const auto insert = notes.insert();
  const std::function<starling::awaitable<void>(starling::db::Connection&)> store_all =
      [&](starling::db::Connection& tx) -> starling::awaitable<void> { co_await tx.execute_many(insert, rows); };
  co_await database.transaction(store_all);
  live.publish({{"type", "imported"}, {"count", rows.size()}});
  co_return starling::JSONResponse({{"imported", rows.size()}});
}

}  // namespace notes
