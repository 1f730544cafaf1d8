#pragma once
// A simulation plan resident in a backend's memory, and the simulation_view that
// the kernels read. Written once for both backends: `Vec` is std::vector on the
// CPU and thrust::device_vector on the GPU, and `Memory` supplies the three
// operations that differ (raw pointer, fill with zeros, copy to the host).

#include <cstdint>
#include <vector>

#include "host/plan/simulation_plan.hpp"
#include "kernels/risk/simulate.hpp"
#include "models/t_mixing.hpp"

namespace levrisk {

template <template <class...> class Vec, class Memory>
class plan_storage {
 public:
  // Uploads the plan and sizes per-batch buffers for batches of up to max_batch_paths.
  plan_storage(const simulation_plan& plan, std::int64_t max_batch_paths) {
    drift_dt_ = plan.drift_dt;
    vol_sqrt_dt_ = plan.vol_sqrt_dt;
    cholesky_ = plan.cholesky;
    jump_rate_ = plan.jump_rate;
    jump_count_cdf_ = plan.jump_count_cdf;
    jump_mean_ = plan.jump_mean;
    jump_stdev_ = plan.jump_stdev;
    systemic_loading_ = plan.systemic_loading;
    history_residual_ = plan.history_residual;
    garch_omega_ = plan.garch_omega;
    garch_alpha_ = plan.garch_alpha;
    garch_beta_ = plan.garch_beta;
    garch_variance_now_ = plan.garch_variance_now;
    garch_mixing_ = plan.garch_mixing;

    const std::vector<std::int64_t> offsets = plan.ladder_offsets();
    const std::int64_t n_ladders = static_cast<std::int64_t>(offsets.size()) - 1;
    std::vector<float> thresholds;
    thresholds.reserve(static_cast<std::size_t>(offsets.back()));
    for (const factor_spec& f : plan.factors) {
      thresholds.insert(thresholds.end(), f.falling_threshold.begin(), f.falling_threshold.end());
      thresholds.insert(thresholds.end(), f.rising_threshold_negated.begin(),
                        f.rising_threshold_negated.end());
    }
    thresholds_ = thresholds;
    const std::size_t diff_size = static_cast<std::size_t>(offsets.back() + n_ladders);
    crossed_diff_.assign(diff_size, 0ull);
    step_sum_diff_.assign(diff_size, 0ull);
    step_sq_sum_diff_.assign(diff_size, 0ull);
    const std::size_t histogram_size = plan.factors.size() * plan.histogram_bins;
    min_histogram_.assign(histogram_size, 0ull);
    max_histogram_.assign(histogram_size, 0ull);

    std::vector<factor_view> factor_views;
    for (std::size_t f = 0; f < plan.factors.size(); ++f) {
      factor_view view{};
      view.numerator_asset = plan.factors[f].numerator_asset;
      view.denominator_asset = plan.factors[f].denominator_asset;
      view.falling = ladder_at(offsets, 2 * static_cast<std::int64_t>(f));
      view.rising = ladder_at(offsets, 2 * static_cast<std::int64_t>(f) + 1);
      view.min_histogram = Memory::raw(min_histogram_) + f * plan.histogram_bins;
      view.max_histogram = Memory::raw(max_histogram_) + f * plan.histogram_bins;
      factor_views.push_back(view);
    }
    factor_views_ = factor_views;

    term_offset_ = plan.term_offset;
    terms_ = plan.terms;
    numerator_const_usd_ = plan.numerator_const_usd;
    denominator_const_usd_ = plan.denominator_const_usd;
    const std::size_t n_multi = static_cast<std::size_t>(plan.n_multi_units());
    multi_liquidated_.assign(n_multi, 0ull);
    multi_step_sum_.assign(n_multi, 0ull);
    multi_step_sq_sum_.assign(n_multi, 0ull);
    hf_min_sample_.assign(n_multi * static_cast<std::size_t>(plan.hf_sample_paths), 0.0f);
    const int flag_words = (plan.n_multi_units() + 31) / 32;
    flags_.assign(static_cast<std::size_t>(max_batch_paths) * flag_words, 0u);

    view_.n_steps = plan.n_steps;
    view_.model.kind = plan.model;
    view_.model.diffusion = gbm_view{plan.n_assets, Memory::raw(drift_dt_),
                                     Memory::raw(vol_sqrt_dt_), Memory::raw(cholesky_)};
    view_.model.jumps =
        jump_view{Memory::raw(jump_rate_),  Memory::raw(jump_count_cdf_),   Memory::raw(jump_mean_),
                  Memory::raw(jump_stdev_), Memory::raw(systemic_loading_), plan.systemic_jump_mean,
                  plan.systemic_jump_stdev};
    view_.model.history =
        fhs_view{Memory::raw(history_residual_), plan.history_dates, plan.history_block_length};
    view_.model.garch = garch_view{Memory::raw(garch_omega_),
                                   Memory::raw(garch_alpha_),
                                   Memory::raw(garch_beta_),
                                   Memory::raw(garch_variance_now_),
                                   Memory::raw(garch_mixing_),
                                   t_mixing_z_min,
                                   static_cast<float>(t_mixing_intervals_per_unit),
                                   t_mixing_intervals};
    view_.stream = normal_stream{plan.seed, normals_per_step(view_.model)};
    view_.ladders =
        factor_ladders_view{static_cast<int>(plan.factors.size()), Memory::raw(factor_views_),
                            plan.histogram_bins, static_cast<float>(1.0 / plan.histogram_width)};
    view_.exact.forms =
        health_forms_view{plan.n_multi_units(), Memory::raw(term_offset_), Memory::raw(terms_),
                          Memory::raw(numerator_const_usd_), Memory::raw(denominator_const_usd_)};
    view_.exact.tallies = multi_unit_tallies{
        Memory::raw(multi_liquidated_), Memory::raw(multi_step_sum_),
        Memory::raw(multi_step_sq_sum_), plan.hf_sample_paths, Memory::raw(hf_min_sample_)};
    view_.exact.flags = path_flags{flag_words, Memory::raw(flags_), 0};
  }

  // The view for a batch starting at first_path, with its flags cleared.
  const simulation_view& start_batch(std::uint64_t first_path) {
    Memory::fill_zero(flags_);
    view_.exact.flags.batch_first_path = first_path;
    return view_;
  }

  simulation_tallies download() const {
    simulation_tallies t;
    t.crossed_diff = Memory::to_host(crossed_diff_);
    t.step_sum_diff = Memory::to_host(step_sum_diff_);
    t.step_sq_sum_diff = Memory::to_host(step_sq_sum_diff_);
    t.min_histogram = Memory::to_host(min_histogram_);
    t.max_histogram = Memory::to_host(max_histogram_);
    t.multi_liquidated = Memory::to_host(multi_liquidated_);
    t.multi_step_sum = Memory::to_host(multi_step_sum_);
    t.multi_step_sq_sum = Memory::to_host(multi_step_sq_sum_);
    t.hf_min_sample = Memory::to_host(hf_min_sample_);
    return t;
  }

 private:
  ladder_view ladder_at(const std::vector<std::int64_t>& offsets, std::int64_t ladder) {
    const std::int64_t begin = offsets[static_cast<std::size_t>(ladder)];
    const std::int64_t end = offsets[static_cast<std::size_t>(ladder) + 1];
    const std::int64_t tally_begin = begin + ladder;
    return ladder_view{Memory::raw(thresholds_) + begin, static_cast<int>(end - begin),
                       Memory::raw(crossed_diff_) + tally_begin,
                       Memory::raw(step_sum_diff_) + tally_begin,
                       Memory::raw(step_sq_sum_diff_) + tally_begin};
  }

  Vec<float> drift_dt_, vol_sqrt_dt_, cholesky_, thresholds_;
  Vec<float> jump_rate_, jump_count_cdf_, jump_mean_, jump_stdev_, systemic_loading_,
      history_residual_;
  Vec<float> garch_omega_, garch_alpha_, garch_beta_, garch_variance_now_, garch_mixing_;
  Vec<tally_t> crossed_diff_, step_sum_diff_, step_sq_sum_diff_, min_histogram_, max_histogram_;
  Vec<factor_view> factor_views_;
  Vec<int> term_offset_;
  Vec<health_term> terms_;
  Vec<double> numerator_const_usd_, denominator_const_usd_;
  Vec<tally_t> multi_liquidated_, multi_step_sum_, multi_step_sq_sum_;
  Vec<float> hf_min_sample_;
  Vec<std::uint32_t> flags_;
  simulation_view view_{};
};

}  // namespace levrisk
