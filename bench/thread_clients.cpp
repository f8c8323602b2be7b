#include "thread_clients.hpp"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "stopwatch.hpp"

namespace cmm::bench {

namespace {

/// Lets the threads prepare, then starts them together.
class start_gate {
public:
  explicit start_gate(size_t parties) : waiting_for_(parties) {
    // nop
  }

  void arrive_and_wait() {
    std::unique_lock<std::mutex> guard{mtx_};
    if (--waiting_for_ == 0)
      cv_.notify_all();
    cv_.wait(guard, [this] { return open_; });
  }

  /// Waits for every thread to arrive, then lets them go; returns when.
  bench_clock::time_point open_when_ready() {
    std::unique_lock<std::mutex> guard{mtx_};
    cv_.wait(guard, [this] { return waiting_for_ == 0; });
    open_ = true;
    auto now = bench_clock::now();
    cv_.notify_all();
    return now;
  }

private:
  std::mutex mtx_;
  std::condition_variable cv_;
  size_t waiting_for_;
  bool open_ = false;
};

struct thread_log {
  std::vector<double> samples_us;
  std::vector<double> starts_us;
  size_t errors = 0;
  std::exception_ptr setup_failure;
};

} // namespace

client_run run_client_threads(const thread_clients_options& opts,
                              thread_step_factory make_step) {
  start_gate gate{opts.threads};
  std::vector<thread_log> logs(opts.threads);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < opts.threads; ++i) {
    threads.emplace_back([&, i] {
      auto& log = logs[i];
      thread_step step;
      try {
        step = make_step();
      } catch (...) {
        log.setup_failure = std::current_exception();
      }
      if (!opts.stop) {
        log.samples_us.reserve(opts.steps_each);
        log.starts_us.reserve(opts.steps_each);
      }
      gate.arrive_and_wait();
      if (!step)
        return;
      for (size_t n = 0; n < opts.steps_each; ++n) {
        if (opts.stop && opts.stop->load())
          break;
        auto start = bench_clock::now();
        bool ok = false;
        try {
          ok = step();
        } catch (...) {
          ok = false;
        }
        log.samples_us.push_back(micros_since(start));
        log.starts_us.push_back(micros_of(start));
        if (!ok)
          ++log.errors;
      }
    });
  }
  auto start = gate.open_when_ready();
  for (auto& t : threads)
    t.join();
  client_run out;
  out.wall_seconds = seconds_since(start);
  for (auto& log : logs) {
    if (log.setup_failure)
      std::rethrow_exception(log.setup_failure);
    out.samples_us.insert(out.samples_us.end(), log.samples_us.begin(),
                          log.samples_us.end());
    out.starts_us.insert(out.starts_us.end(), log.starts_us.begin(),
                         log.starts_us.end());
    out.errors += log.errors;
  }
  return out;
}

} // namespace cmm::bench
