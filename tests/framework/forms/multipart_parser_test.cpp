// The multipart/form-data parser alone: pieces split anywhere, the parts of
// RFC 7578 and 2046 real clients send, and every malformed body a clear 400.
#include "forms/multipart_parser.hpp"

#include <starling/exceptions.hpp>

#include <gtest/gtest.h>

using namespace starling;
using starling::forms::MultipartParser;

namespace {

const std::string kBody =
    "preamble to ignore\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"title\"\r\n"
    "\r\n"
    "Shopping; list\r\n"
    "--XyZ  \r\n"  // transport padding after a boundary
    "Content-Disposition: form-data; name=\"upload\"; filename=\"notes \\\"1\\\".csv\"\r\n"
    "Content-Type: text/csv\r\n"
    "X-Extra: kept\r\n"
    "\r\n"
    "text,completed\r\nmilk,false\r\n--XyZ not a boundary\r\n"
    "\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"empty\"\r\n"
    "\r\n"
    "\r\n"
    "--XyZ--\r\n"
    "epilogue to ignore";

FormData parse(std::string_view body, std::size_t piece_size, FormLimits limits = {},
               std::string_view boundary = "XyZ") {
  MultipartParser parser(boundary, limits);
  for (std::size_t at = 0; at < body.size(); at += piece_size) parser.feed(body.substr(at, piece_size));
  return parser.finish();
}

std::string content(UploadFile& file) {
  file.seek(0);
  return file.read();
}

// The detail of the HTTPException that parsing `body` raises, with its status.
std::pair<int, std::string> refusal(std::string_view body, FormLimits limits = {}) {
  try {
    parse(body, 7, limits, "b");
  } catch (const HTTPException& e) {
    return {e.status_code(), e.detail().get<std::string>()};
  }
  return {0, "no error"};
}

}  // namespace

TEST(MultipartParser, FieldsAndFilesWhateverThePieceSize) {
  for (const std::size_t piece : {1, 2, 3, 5, 8, 13, 64, 4096}) {
    SCOPED_TRACE("piece size " + std::to_string(piece));
    FormData form = parse(kBody, piece);
    EXPECT_EQ(form.get("title", "?"), "Shopping; list");
    EXPECT_EQ(form.get("empty", "?"), "");
    ASSERT_EQ(form.files().size(), 1u);
    auto file = form.file("upload");
    ASSERT_TRUE(file);
    EXPECT_EQ(file->filename(), "notes \"1\".csv");
    EXPECT_EQ(file->content_type(), "text/csv");
    EXPECT_EQ(file->headers().get("x-extra", ""), "kept");
    EXPECT_EQ(content(*file), "text,completed\r\nmilk,false\r\n--XyZ not a boundary\r\n");
  }
}

TEST(MultipartParser, TheFirstBoundaryMayOpenTheBody) {
  const FormData form = parse("--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--", 3, {}, "b");
  EXPECT_EQ(form.get("a", "?"), "1");
}

TEST(MultipartParser, AnEmptyFormHasOnlyTheClosingBoundary) {
  MultipartParser parser("b", {});
  parser.feed("--b--\r\n");
  const FormData form = parser.finish();
  EXPECT_TRUE(form.empty());
  EXPECT_TRUE(form.files().empty());
}

TEST(MultipartParser, RepeatedNamesKeepEveryValueAndFile) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=tag\r\n\r\none\r\n"
      "--b\r\nContent-Disposition: form-data; name=tag\r\n\r\ntwo\r\n"
      "--b\r\nContent-Disposition: form-data; name=f; filename=a.txt\r\n\r\nA\r\n"
      "--b\r\nContent-Disposition: form-data; name=f; filename=b.txt\r\n\r\nB\r\n--b--";
  MultipartParser parser("b", {});
  parser.feed(body);
  FormData form = parser.finish();
  EXPECT_EQ(form.get_list("tag"), (std::vector<std::string_view>{"one", "two"}));
  const auto files = form.get_files("f");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[1]->filename(), "b.txt");
  EXPECT_EQ(files[1]->content_type(), "application/octet-stream");
  EXPECT_EQ(content(*files[1]), "B");
}

TEST(MultipartParser, AnExtendedFilenameIsDecoded) {
  MultipartParser parser("b", {});
  parser.feed(
      "--b\r\nContent-Disposition: form-data; name=f; filename=\"fallback.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt"
      "\r\n\r\nx\r\n--b--");
  EXPECT_EQ(parser.finish().file("f")->filename(), "\xE2\x82\xAC rates.txt");
}

TEST(MultipartParser, AnEmptyFilenameIsStillAFile) {
  // What a browser sends for a file input left empty.
  MultipartParser parser("b", {});
  parser.feed("--b\r\nContent-Disposition: form-data; name=f; filename=\"\"\r\n\r\n\r\n--b--");
  const FormData form = parser.finish();
  ASSERT_TRUE(form.file("f"));
  EXPECT_EQ(form.file("f")->size(), 0u);
  EXPECT_FALSE(form.contains("f"));
}

TEST(MultipartParser, AFileLargerThanTheThresholdGoesToDisk) {
  FormLimits limits;
  limits.spool_threshold = 1000;
  const std::string data(5000, 'd');
  FormData form = parse("--b\r\nContent-Disposition: form-data; name=f; filename=big\r\n\r\n" + data + "\r\n--b--", 512,
                        limits, "b");
  auto file = form.file("f");
  EXPECT_FALSE(file->in_memory());
  EXPECT_EQ(file->size(), 5000u);
  file->seek(4990);
  EXPECT_EQ(file->read(), std::string(10, 'd'));
  EXPECT_EQ(file->read(), "");
  file->seek(0);
  EXPECT_EQ(file->read(3), "ddd");
  EXPECT_EQ(file->tell(), 3u);
}

TEST(MultipartParser, MalformedBodiesAre400NamingTheProblem) {
  const std::string disposition = "Content-Disposition: form-data; name=a\r\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "Malformed multipart body: it ends before the closing boundary"},
      {"no boundary anywhere", "Malformed multipart body: it ends before the closing boundary"},
      {"--b\r\n" + disposition + "\r\nvalue", "Malformed multipart body: it ends before the closing boundary"},
      {"--b\r\n" + disposition + "\r\nvalue\r\n--b", "Malformed multipart body: it ends before the closing boundary"},
      {"--bx\r\n", "Malformed multipart body: it ends before the closing boundary"},  // not our boundary
      {"--b\r\nno colon here\r\n\r\nv\r\n--b--", "Malformed multipart body: a part header line has no name"},
      {"--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--",
       "Malformed multipart body: a part has no Content-Disposition header"},
      {"--b\r\n\r\nv\r\n--b--", "Malformed multipart body: a part has no Content-Disposition header"},
      {"--b\r\nContent-Disposition: form-data\r\n\r\nv\r\n--b--",
       "Malformed multipart body: a part's Content-Disposition has no name"},
  };
  for (const auto& [body, detail] : cases) {
    SCOPED_TRACE(body);
    EXPECT_EQ(refusal(body), std::make_pair(400, detail)) << "fed in pieces";
    MultipartParser parser("b", {});
    try {
      parser.feed(body);
      parser.finish();
      ADD_FAILURE() << "accepted";
    } catch (const HTTPException& e) {
      EXPECT_EQ(e.status_code(), 400);
      EXPECT_EQ(e.detail(), detail);
    }
  }
}

TEST(MultipartParser, LimitsNameThemselves) {
  FormLimits limits;
  limits.max_fields = 1;
  limits.max_files = 1;
  limits.max_part_size = 5;
  limits.max_part_header_size = 100;
  const std::string field = "Content-Disposition: form-data; name=a\r\n\r\nv\r\n";
  const std::string file = "Content-Disposition: form-data; name=f; filename=x\r\n\r\nv\r\n";
  EXPECT_EQ(refusal("--b\r\n" + field + "--b\r\n" + field + "--b--", limits),
            std::make_pair(400, std::string("Too many fields in the form: limit is 1")));
  EXPECT_EQ(refusal("--b\r\n" + file + "--b\r\n" + file + "--b--", limits),
            std::make_pair(400, std::string("Too many files in the form: limit is 1")));
  EXPECT_EQ(refusal("--b\r\nContent-Disposition: form-data; name=a\r\n\r\n123456\r\n--b--", limits),
            std::make_pair(413, std::string("Form field 'a' too large: limit is 5 bytes")));
  EXPECT_EQ(refusal("--b\r\nX-Long: " + std::string(200, 'h') + "\r\n" + field + "--b--", limits),
            std::make_pair(400, std::string("Multipart part headers too large: limit is 100 bytes")));
  // Files are bounded by the body limit, not the field limit.
  EXPECT_EQ(refusal("--b\r\nContent-Disposition: form-data; name=f; filename=x\r\n\r\n123456789\r\n--b--", limits),
            std::make_pair(0, std::string("no error")));
}

TEST(MultipartParser, AnEndlessHeaderBlockIsRefusedWithoutWaitingForItsEnd) {
  FormLimits limits;
  limits.max_part_header_size = 1000;
  MultipartParser parser("b", limits);
  parser.feed("--b\r\nX-A: ");
  EXPECT_THROW(
      {
        for (int i = 0; i < 100; ++i) parser.feed(std::string(100, 'a'));
      },
      HTTPException);
}

TEST(MultipartBoundary, IsReadFromTheContentType) {
  EXPECT_EQ(forms::multipart_boundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(forms::multipart_boundary("multipart/form-data; charset=utf-8; boundary=\"a b;c\""), "a b;c");
  EXPECT_THROW(forms::multipart_boundary("multipart/form-data"), HTTPException);
  EXPECT_THROW(forms::multipart_boundary("multipart/form-data; boundary="), HTTPException);
  EXPECT_THROW(forms::multipart_boundary("multipart/form-data; boundary=" + std::string(201, 'x')), HTTPException);
}
