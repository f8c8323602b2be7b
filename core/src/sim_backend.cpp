#include "cmm/sim_backend.hpp"

#include <chrono>
#include <optional>
#include <sstream>
#include <thread>

namespace cmm {

namespace {

struct sim_params {
  uint64_t bytes = 1 << 20;
  std::optional<uint64_t> measured;
  uint64_t load_ms = 0;
  uint64_t size_ms = 0;
  uint64_t infer_ms = 0;
  std::string fail;
  uint32_t fail_times = UINT32_MAX;
  /// Cast to another precision than fp32, the model fails every inference.
  bool cast_fails = false;
  /// Fails an inference whose inputs hold a negative value (a model that
  /// checks its inputs' range, as an embedding checks its indices).
  bool reject_negative = false;
};

std::optional<sim_params> parse_sim_path(const std::string& path) {
  sim_params params;
  auto q = path.find('?');
  if (q == std::string::npos)
    return params;
  std::istringstream in(path.substr(q + 1));
  std::string pair;
  try {
    while (std::getline(in, pair, '&')) {
      auto eq = pair.find('=');
      if (eq == std::string::npos)
        return std::nullopt;
      auto key = pair.substr(0, eq);
      auto value = pair.substr(eq + 1);
      if (key == "bytes")
        params.bytes = std::stoull(value);
      else if (key == "measured")
        params.measured = std::stoull(value);
      else if (key == "load_ms")
        params.load_ms = std::stoull(value);
      else if (key == "size_ms")
        params.size_ms = std::stoull(value);
      else if (key == "infer_ms")
        params.infer_ms = std::stoull(value);
      else if (key == "fail")
        params.fail = value;
      else if (key == "cast_fails")
        params.cast_fails = value == "1";
      else if (key == "reject_negative")
        params.reject_negative = value == "1";
      else if (key == "fail_times")
        params.fail_times = static_cast<uint32_t>(std::stoul(value));
      else
        return std::nullopt;
    }
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return params;
}

failure simulated_failure(const std::string& kind, const std::string& path) {
  if (kind == "not_found")
    return {errc::model_not_found,
            "model file '" + path + "' does not exist (simulated)"};
  if (kind == "corrupt")
    return {errc::invalid_model_file,
            "'" + path + "' is not a loadable model (simulated)"};
  if (kind == "oom")
    return {errc::out_of_memory,
            "out of memory loading '" + path + "' (simulated)"};
  return {errc::load_failed, "loading '" + path + "' failed (simulated)"};
}

} // namespace

class sim_model : public loaded_model {
public:
  sim_model(std::shared_ptr<sim_backend> owner, uint64_t bytes,
            uint64_t infer_ms, dtype precision, device where, bool as_saved,
            bool cast_fails, bool reject_negative)
      : owner_(std::move(owner)), bytes_(bytes), infer_ms_(infer_ms),
        precision_(precision), where_(std::move(where)), as_saved_(as_saved),
        cast_(precision != dtype::f32), broken_(cast_ && cast_fails),
        reject_negative_(reject_negative) {
    owner_->on_model_moved(bytes_, nullptr, &where_);
  }

  ~sim_model() override { owner_->on_model_moved(bytes_, &where_, nullptr); }

  std::optional<failure> move_to(const device& target) override {
    if (target.kind == device::kind_t::cuda)
      return failure{errc::device_unavailable,
                     "the simulated backend has no CUDA devices"};
    owner_->on_model_moved(bytes_, &where_, &target);
    where_ = target;
    return std::nullopt;
  }

  result<std::vector<tensor>>
  infer(const std::vector<tensor>& inputs) override {
    if (inputs.empty())
      return failure{errc::bad_input, "the simulated model needs one input"};
    if (broken_)
      return failure{errc::bad_input,
                     std::string{"the model was cast to "} +
                         to_string(precision_) +
                         " (saved as fp32); inference failed (simulated)"};
    if (infer_ms_ > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds{infer_ms_});
    if (reject_negative_)
      for (auto& x : inputs)
        for (auto v : x.to_floats())
          if (v < 0)
            return failure{errc::bad_input,
                           "the simulated model rejects negative inputs"};
    std::vector<tensor> outputs;
    for (auto& x : inputs) {
      if (is_floating(x.type) && x.type != precision_)
        outputs.push_back(
            make_tensor_from_floats(precision_, x.shape, x.to_floats()));
      else
        outputs.push_back(x);
    }
    return outputs;
  }

  uint64_t bytes() const override { return bytes_; }

  std::string precision() const override {
    return as_saved_ ? "as saved (fp32)" : to_string(precision_);
  }

  bool is_cast() const override { return cast_; }

private:
  std::shared_ptr<sim_backend> owner_;
  uint64_t bytes_;
  uint64_t infer_ms_;
  dtype precision_;
  device where_;
  bool as_saved_;
  bool cast_;
  bool broken_;
  bool reject_negative_;
};

std::optional<failure> sim_backend::check(const load_request& req) const {
  if (req.target.kind == device::kind_t::cuda)
    return failure{errc::device_unavailable,
                   "the simulated backend has no CUDA devices: use cpu or "
                   "sim:N"};
  if (!parse_sim_path(req.path))
    return failure{errc::invalid_spec,
                   "malformed simulated model path '" + req.path +
                       "': use sim://NAME?bytes=N&load_ms=M&fail=KIND"};
  return std::nullopt;
}

result<std::unique_ptr<loaded_model>>
sim_backend::load(const load_request& req) {
  if (auto err = check(req))
    return *err;
  auto params = *parse_sim_path(req.path);
  uint32_t attempt;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    attempt = ++loads_[req.path];
    ++total_loads_;
  }
  if (params.load_ms > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds{params.load_ms});
  if (!params.fail.empty() && attempt <= params.fail_times)
    return simulated_failure(params.fail, req.path);
  // Simulated files hold fp32: anything else is a cast.
  auto precision = req.keep_saved ? dtype::f32 : req.precision;
  return std::unique_ptr<loaded_model>{
      new sim_model(shared_from_this(), params.measured.value_or(params.bytes),
                    params.infer_ms, precision, req.target, req.keep_saved,
                    params.cast_fails, params.reject_negative)};
}

uint64_t sim_backend::estimate_bytes(const load_request& req) const {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    ++estimates_[req.path];
  }
  auto params = parse_sim_path(req.path);
  if (params && params->size_ms > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds{params->size_ms});
  return params ? params->bytes : 0;
}

uint32_t sim_backend::loads(const std::string& path) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = loads_.find(path);
  return i == loads_.end() ? 0 : i->second;
}

uint32_t sim_backend::estimates(const std::string& path) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = estimates_.find(path);
  return i == estimates_.end() ? 0 : i->second;
}

uint32_t sim_backend::total_loads() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return total_loads_;
}

uint32_t sim_backend::resident() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return resident_;
}

uint64_t sim_backend::resident_bytes() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return resident_bytes_;
}

uint64_t sim_backend::resident_bytes_on(const device& dev) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = bytes_on_.find(to_string(dev));
  return i == bytes_on_.end() ? 0 : i->second;
}

void sim_backend::on_model_moved(uint64_t bytes, const device* from,
                                 const device* to) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (from) {
    bytes_on_[to_string(*from)] -= bytes;
  } else {
    ++resident_;
    resident_bytes_ += bytes;
  }
  if (to) {
    bytes_on_[to_string(*to)] += bytes;
  } else {
    --resident_;
    resident_bytes_ -= bytes;
  }
}

void sim_backend::set_visible_devices(std::vector<device> devices) {
  std::lock_guard<std::mutex> guard{mtx_};
  visible_ = std::move(devices);
}

std::vector<device> sim_backend::visible_devices() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return visible_;
}

} // namespace cmm
