#include "app/debug_page.hpp"

#include "app/exception_info.hpp"

#include <starling/responses.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace starling::app {
namespace {

bool is_credential(std::string_view name) {
  static constexpr std::array<std::string_view, 5> kHidden = {"authorization", "proxy-authorization", "cookie",
                                                              "x-api-key", "x-auth-token"};
  return std::any_of(kHidden.begin(), kHidden.end(), [name](std::string_view hidden) {
    return name.size() == hidden.size() && std::equal(name.begin(), name.end(), hidden.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  });
}

std::string shown_value(const std::string& name, const std::string& value) {
  return is_credential(name) ? "**********" : value;
}

bool wants_html(const Request& request) {
  const auto accept = request.headers().get("accept");
  return accept && accept->find("text/html") != std::string::npos;
}

Response html_page(const Request& request, const std::vector<ExceptionInfo>& chain) {
  std::string page =
      "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>500 Internal Server Error</title>"
      "<style>body{font-family:sans-serif;margin:2em}pre{background:#f4f4f4;padding:1em;white-space:pre-wrap}"
      "td{padding:0 1em 0 0;vertical-align:top}</style></head><body>\n<h1>500 Internal Server Error</h1>\n";
  page += "<p>" + escape_html(std::string(request.method())) + " " + escape_html(request.url().to_string()) + "</p>\n";
  for (std::size_t i = 0; i < chain.size(); ++i) {
    page += i == 0 ? "<h2>" : "<h3>caused by ";
    page += escape_html(chain[i].type);
    page += i == 0 ? "</h2>\n" : "</h3>\n";
    page += "<pre>" + escape_html(chain[i].message) + "</pre>\n";
  }
  page += "<h2>Request headers</h2>\n<table>\n";
  for (const auto& [name, value] : request.headers())
    page += "<tr><td>" + escape_html(name) + "</td><td>" + escape_html(shown_value(name, value)) + "</td></tr>\n";
  page += "</table>\n<p><small>Shown because the app runs with debug on. Never in production.</small></p>\n";
  page += "</body></html>\n";
  return HTMLResponse(std::move(page), 500);
}

Response json_body(const Request& request, const std::vector<ExceptionInfo>& chain) {
  json causes = json::array();
  for (std::size_t i = 1; i < chain.size(); ++i)
    causes.push_back({{"type", chain[i].type}, {"error", chain[i].message}});
  json headers = json::object();
  for (const auto& [name, value] : request.headers()) headers[name] = shown_value(name, value);
  json body = {{"detail", "Internal Server Error"},
               {"type", chain.front().type},
               {"error", chain.front().message},
               {"request", {{"method", request.method()}, {"url", request.url().to_string()}, {"headers", headers}}}};
  if (!causes.empty()) body["causes"] = std::move(causes);
  return JSONResponse(body, 500);
}

}  // namespace

Response debug_response(const Request& request, const std::exception_ptr& error) {
  auto chain = describe_exception(error);
  if (chain.empty()) chain.push_back({"unknown", "(no exception)"});
  return wants_html(request) ? html_page(request, chain) : json_body(request, chain);
}

}  // namespace starling::app
