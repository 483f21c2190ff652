#pragma once

#include <filesystem>

namespace passerelle::testing {

// A fresh private directory (mkdtemp, mode 0700) removed with everything in
// it on destruction. Short paths under /tmp: Unix socket paths are limited.
class TempDir {
 public:
  explicit TempDir(const char* prefix = "passerelle-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace passerelle::testing
