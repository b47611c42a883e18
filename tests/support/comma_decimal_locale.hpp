#pragma once
/// @file comma_decimal_locale.hpp
/// For tests of text that must not follow the program's numeric locale.

#include "support/unique_name.hpp"

#include <clocale>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace starling::test {

// The program's C locale set to one whose decimal point is a comma, as a
// program calling setlocale(LC_ALL, "") in Germany has. Built with localedef
// into a temp dir (LOCPATH), so it needs no root and no system-wide locale.
class CommaDecimalLocale {
 public:
  CommaDecimalLocale() : dir_(std::filesystem::temp_directory_path() / ("starling_locale_" + unique_run_name())) {
    std::filesystem::create_directories(dir_);
    const auto build = "localedef -i de_DE -f UTF-8 " + (dir_ / "de_DE.UTF-8").string() + " >/dev/null 2>&1";
    if (std::system(build.c_str()) != 0) return;  // the caller asserts active()
    ::setenv("LOCPATH", dir_.c_str(), 1);
    active_ = std::setlocale(LC_NUMERIC, "de_DE.UTF-8") != nullptr;
  }
  ~CommaDecimalLocale() {
    std::setlocale(LC_NUMERIC, "C");
    ::unsetenv("LOCPATH");
    std::filesystem::remove_all(dir_);
  }
  CommaDecimalLocale(const CommaDecimalLocale&) = delete;
  CommaDecimalLocale& operator=(const CommaDecimalLocale&) = delete;
  bool active() const { return active_; }

 private:
  std::filesystem::path dir_;
  bool active_ = false;
};

}  // namespace starling::test
