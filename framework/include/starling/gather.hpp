#pragma once
/// @file gather.hpp
/// Several coroutines at once, awaited together (Python's asyncio.gather): the
/// independent queries of one request, say, which the database pool then runs
/// side by side or in one round trip instead of one after another.
///
///     std::vector<awaitable<Note>> reads;
///     for (auto id : ids) reads.push_back(load_note(database, id));
///     std::vector<Note> notes = co_await gather(std::move(reads));  // in the order given

#include <starling/types.hpp>

#include <optional>
#include <utility>
#include <vector>

namespace starling {

/// Starts every task on the caller's executor and returns once all have
/// finished. On a loop of one thread (each of the server's loops is one) the
/// tasks interleave and never run at once; on an executor of several threads
/// they may, so what they share then needs a lock. A task that throws does not
/// stop the others: gather waits for all (they may use the caller's variables),
/// then rethrows the exception of the first task, in the order given, that threw.
awaitable<void> gather(std::vector<awaitable<void>> tasks);

namespace detail {
template <class T>
awaitable<void> gather_into(awaitable<T> task, std::optional<T>& slot) {
  slot.emplace(co_await std::move(task));
}
}  // namespace detail

/// The tasks' results, in the order of the tasks.
template <class T>
awaitable<std::vector<T>> gather(std::vector<awaitable<T>> tasks) {
  std::vector<std::optional<T>> slots(tasks.size());
  std::vector<awaitable<void>> filling;
  filling.reserve(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) filling.push_back(detail::gather_into(std::move(tasks[i]), slots[i]));
  co_await gather(std::move(filling));
  std::vector<T> results;
  results.reserve(slots.size());
  for (auto& slot : slots) results.push_back(std::move(*slot));
  co_return results;
}

}  // namespace starling
