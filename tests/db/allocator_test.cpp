// Starling's executables (and these tests) run on jemalloc: rows made on a
// driver thread are freed on the caller's loop, which glibc's malloc serves
// with a lock shared by both threads (see third_party/CMakeLists.txt).

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <cstdint>
#include <cstdlib>

namespace {

#ifdef STARLING_EXPECT_JEMALLOC
// jemalloc's control interface; present only where jemalloc is linked in.
using Mallctl = int (*)(const char* name, void* old_value, std::size_t* old_size, void* new_value,
                        std::size_t new_size);

Mallctl find_mallctl() { return reinterpret_cast<Mallctl>(dlsym(RTLD_DEFAULT, "mallctl")); }

std::uint64_t allocated_by_this_thread(Mallctl mallctl) {
  std::uint64_t bytes = 0;
  std::size_t size = sizeof bytes;
  if (mallctl("thread.allocated", &bytes, &size, nullptr, 0) != 0) ADD_FAILURE() << "mallctl(thread.allocated) failed";
  return bytes;
}
#endif

TEST(Allocator, MallocIsJemallocs) {
#ifndef STARLING_EXPECT_JEMALLOC
  GTEST_SKIP() << "built with the system allocator (a sanitizer build, or -DSTARLING_ALLOCATOR=system)";
#else
  const auto mallctl = find_mallctl();
  ASSERT_NE(mallctl, nullptr) << "jemalloc is not linked in";
  // Linked in is not enough: malloc itself must be jemalloc's, which counts what it hands out.
  void* (*volatile allocate)(std::size_t) = std::malloc;  // volatile: the call is not optimised away
  const auto before = allocated_by_this_thread(mallctl);
  void* block = allocate(1 << 20);
  const auto after = allocated_by_this_thread(mallctl);
  std::free(block);
  EXPECT_GE(after - before, std::uint64_t{1} << 20);
#endif
}

}  // namespace
