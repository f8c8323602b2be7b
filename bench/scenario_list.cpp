#include "scenario.hpp"

namespace cmm::bench {

const std::vector<scenario>& all_scenarios() {
  static const std::vector<scenario> list{
      {"hit", run_hit},       {"head-of-line", run_head_of_line},
      {"miss", run_miss},     {"single-flight", run_single_flight},
      {"unload", run_unload}, {"churn", run_churn},
      {"scale", run_scale},   {"remote", run_remote},
      {"http", run_http},     {"batch", run_batch},
  };
  return list;
}

} // namespace cmm::bench
