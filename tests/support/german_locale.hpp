#pragma once
/// @file german_locale.hpp
/// For tests of text that must not follow the program's locale: numbers
/// (LC_NUMERIC: a decimal comma) and dates (LC_TIME: "So", "Dez").

#include "support/unique_name.hpp"

#include <clocale>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace starling::test {

// One category of the program's C locale set to German, as a program calling
// setlocale(LC_ALL, "") in Germany has. Built with localedef into a temp dir
// (LOCPATH), so it needs no root and no system-wide locale.
class GermanLocale {
 public:
  explicit GermanLocale(int category)
      : category_(category), dir_(std::filesystem::temp_directory_path() / ("starling_locale_" + unique_run_name())) {
    std::filesystem::create_directories(dir_);
    const auto build = "localedef -i de_DE -f UTF-8 " + (dir_ / "de_DE.UTF-8").string() + " >/dev/null 2>&1";
    if (std::system(build.c_str()) != 0) return;  // the caller asserts active()
    ::setenv("LOCPATH", dir_.c_str(), 1);
    active_ = std::setlocale(category_, "de_DE.UTF-8") != nullptr;
  }
  ~GermanLocale() {
    std::setlocale(category_, "C");
    ::unsetenv("LOCPATH");
    std::filesystem::remove_all(dir_);
  }
  GermanLocale(const GermanLocale&) = delete;
  GermanLocale& operator=(const GermanLocale&) = delete;
  bool active() const { return active_; }

 private:
  int category_;
  std::filesystem::path dir_;
  bool active_ = false;
};

}  // namespace starling::test
