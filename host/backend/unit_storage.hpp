#pragma once
// The risk part of a simulation plan (host/plan/simulation_plan.hpp) in a
// backend's memory: the ladders of single-factor units with their tallies and
// histograms, and the multi-asset units with their tallies and per-batch flags.
// Each group owns its buffers and hands out its stage's view; `Memory` as in
// host/backend/market_storage.hpp.

#include <cstdint>
#include <vector>

#include "host/backend/market_storage.hpp"
#include "host/plan/simulation_plan.hpp"
#include "kernels/risk/factor_ladders.hpp"
#include "kernels/risk/simulation_view.hpp"

namespace levrisk {

template <class Memory>
class ladder_storage {
 public:
  explicit ladder_storage(const ladder_plan& plan)
      : offsets_(plan.ladder_offsets()),
        histogram_bins_(plan.histogram_bins),
        histogram_inverse_width_(static_cast<float>(1.0 / plan.histogram_width)) {
    std::vector<float> thresholds;
    std::vector<int> units;
    thresholds.reserve(static_cast<std::size_t>(offsets_.back()));
    units.reserve(static_cast<std::size_t>(offsets_.back()));
    for (const factor_spec& f : plan.factors) {
      thresholds.insert(thresholds.end(), f.falling_threshold.begin(), f.falling_threshold.end());
      thresholds.insert(thresholds.end(), f.rising_threshold_negated.begin(),
                        f.rising_threshold_negated.end());
      units.insert(units.end(), f.falling_unit.begin(), f.falling_unit.end());
      units.insert(units.end(), f.rising_unit.begin(), f.rising_unit.end());
    }
    thresholds_ = thresholds;
    units_ = units;
    const auto n_ladders = static_cast<std::int64_t>(offsets_.size()) - 1;
    const auto diff_size = static_cast<std::size_t>(offsets_.back() + n_ladders);
    crossed_diff_.assign(diff_size, 0ull);
    step_sum_diff_.assign(diff_size, 0ull);
    step_sq_sum_diff_.assign(diff_size, 0ull);
    const std::size_t histogram_size = plan.factors.size() * plan.histogram_bins;
    min_histogram_.assign(histogram_size, 0ull);
    max_histogram_.assign(histogram_size, 0ull);

    std::vector<factor_view> views;
    for (std::size_t f = 0; f < plan.factors.size(); ++f) {
      factor_view view{};
      view.numerator_asset = plan.factors[f].numerator_asset;
      view.denominator_asset = plan.factors[f].denominator_asset;
      view.oracle_group = plan.factors[f].oracle_group;
      view.falling = ladder_at(2 * static_cast<std::int64_t>(f));
      view.rising = ladder_at(2 * static_cast<std::int64_t>(f) + 1);
      view.min_histogram = Memory::raw(min_histogram_) + f * plan.histogram_bins;
      view.max_histogram = Memory::raw(max_histogram_) + f * plan.histogram_bins;
      views.push_back(view);
    }
    factor_views_ = views;
  }

  factor_ladders_view view() {
    return factor_ladders_view{static_cast<int>(factor_views_.size()), Memory::raw(factor_views_),
                               histogram_bins_, histogram_inverse_width_};
  }

  void download(simulation_tallies& t) const {
    t.crossed_diff = Memory::to_host(crossed_diff_);
    t.step_sum_diff = Memory::to_host(step_sum_diff_);
    t.step_sq_sum_diff = Memory::to_host(step_sq_sum_diff_);
    t.min_histogram = Memory::to_host(min_histogram_);
    t.max_histogram = Memory::to_host(max_histogram_);
  }

 private:
  ladder_view ladder_at(std::int64_t ladder) {
    const std::int64_t begin = offsets_[static_cast<std::size_t>(ladder)];
    const std::int64_t end = offsets_[static_cast<std::size_t>(ladder) + 1];
    const std::int64_t tally_begin = begin + ladder;
    return ladder_view{Memory::raw(thresholds_) + begin,
                       Memory::raw(units_) + begin,
                       static_cast<int>(end - begin),
                       Memory::raw(crossed_diff_) + tally_begin,
                       Memory::raw(step_sum_diff_) + tally_begin,
                       Memory::raw(step_sq_sum_diff_) + tally_begin};
  }

  std::vector<std::int64_t> offsets_;
  int histogram_bins_;
  float histogram_inverse_width_;
  buffer<Memory, float> thresholds_;
  buffer<Memory, int> units_;
  buffer<Memory, tally_t> crossed_diff_, step_sum_diff_, step_sq_sum_diff_, min_histogram_,
      max_histogram_;
  buffer<Memory, factor_view> factor_views_;
};

template <class Memory>
class multi_unit_storage {
 public:
  multi_unit_storage(const multi_unit_plan& plan, std::int64_t max_batch_paths)
      : n_units_(plan.n_units()),
        flag_words_((plan.n_units() + 31) / 32),
        sample_paths_(plan.hf_sample_paths),
        term_offset_(plan.term_offset),
        terms_(plan.terms),
        numerator_const_usd_(plan.numerator_const_usd),
        denominator_const_usd_(plan.denominator_const_usd) {
    const auto n = static_cast<std::size_t>(n_units_);
    liquidated_.assign(n, 0ull);
    step_sum_.assign(n, 0ull);
    step_sq_sum_.assign(n, 0ull);
    hf_min_sample_.assign(n * static_cast<std::size_t>(sample_paths_), 0.0f);
    flags_.assign(static_cast<std::size_t>(max_batch_paths) * flag_words_, 0u);
  }

  // The view for a batch starting at first_path, with its flags cleared.
  exact_units_view start_batch(std::uint64_t first_path) {
    Memory::fill_zero(flags_);
    return exact_units_view{
        health_forms_view{n_units_, Memory::raw(term_offset_), Memory::raw(terms_),
                          Memory::raw(numerator_const_usd_), Memory::raw(denominator_const_usd_)},
        multi_unit_tallies{Memory::raw(liquidated_), Memory::raw(step_sum_),
                           Memory::raw(step_sq_sum_), sample_paths_, Memory::raw(hf_min_sample_)},
        path_flags{flag_words_, Memory::raw(flags_), first_path}};
  }

  void download(simulation_tallies& t) const {
    t.multi_liquidated = Memory::to_host(liquidated_);
    t.multi_step_sum = Memory::to_host(step_sum_);
    t.multi_step_sq_sum = Memory::to_host(step_sq_sum_);
    t.hf_min_sample = Memory::to_host(hf_min_sample_);
  }

 private:
  int n_units_;
  int flag_words_;
  std::int64_t sample_paths_;
  buffer<Memory, int> term_offset_;
  buffer<Memory, health_term> terms_;
  buffer<Memory, double> numerator_const_usd_, denominator_const_usd_;
  buffer<Memory, tally_t> liquidated_, step_sum_, step_sq_sum_;
  buffer<Memory, float> hf_min_sample_;
  buffer<Memory, std::uint32_t> flags_;
};

}  // namespace levrisk
