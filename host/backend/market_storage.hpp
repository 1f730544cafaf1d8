#pragma once
// The market plan (host/plan/market_plan.hpp) in a backend's memory: one owning
// group per table family, each handing out the trivially copyable view its
// kernel stage reads, as cuCollections' containers hand out refs. `Memory` is
// host_memory (cpu.cpp) or device_memory (cuda.cu): its `vector<T>` owns the
// buffer and `raw` gives the pointer the view carries.

#include "host/plan/market_plan.hpp"
#include "kernels/paths/market_step.hpp"

namespace levrisk {

template <class Memory, class T>
using buffer = typename Memory::template vector<T>;

template <class Memory>
class gbm_storage {
 public:
  gbm_storage(const gbm_tables& t, int n_assets)
      : n_assets_(n_assets),
        drift_dt_(t.drift_dt),
        vol_sqrt_dt_(t.vol_sqrt_dt),
        cholesky_(t.cholesky) {}
  gbm_view view() {
    return gbm_view{n_assets_, Memory::raw(drift_dt_), Memory::raw(vol_sqrt_dt_),
                    Memory::raw(cholesky_)};
  }

 private:
  int n_assets_;
  buffer<Memory, float> drift_dt_, vol_sqrt_dt_, cholesky_;
};

template <class Memory>
class jump_storage {
 public:
  explicit jump_storage(const jump_tables& t)
      : rate_(t.rate),
        count_cdf_(t.count_cdf),
        mean_(t.mean),
        stdev_(t.stdev),
        systemic_loading_(t.systemic_loading),
        systemic_mean_(t.systemic_mean),
        systemic_stdev_(t.systemic_stdev) {}
  jump_view view() {
    return jump_view{Memory::raw(rate_),  Memory::raw(count_cdf_),        Memory::raw(mean_),
                     Memory::raw(stdev_), Memory::raw(systemic_loading_), systemic_mean_,
                     systemic_stdev_};
  }

 private:
  buffer<Memory, float> rate_, count_cdf_, mean_, stdev_, systemic_loading_;
  float systemic_mean_, systemic_stdev_;
};

template <class Memory>
class garch_storage {
 public:
  explicit garch_storage(const garch_tables& t)
      : omega_(t.omega),
        alpha_(t.alpha),
        beta_(t.beta),
        variance_now_(t.variance_now),
        mixing_(t.mixing),
        z_min_(t.mixing_z_min),
        intervals_per_unit_(t.mixing_intervals_per_unit),
        intervals_(t.mixing_intervals),
        substeps_(t.substeps) {}
  garch_view view() {
    return garch_view{Memory::raw(omega_),
                      Memory::raw(alpha_),
                      Memory::raw(beta_),
                      Memory::raw(variance_now_),
                      Memory::raw(mixing_),
                      z_min_,
                      intervals_per_unit_,
                      intervals_,
                      substeps_,
                      1.0f / static_cast<float>(substeps_)};
  }

 private:
  buffer<Memory, float> omega_, alpha_, beta_, variance_now_, mixing_;
  float z_min_, intervals_per_unit_;
  int intervals_, substeps_;
};

template <class Memory>
class history_storage {
 public:
  explicit history_storage(const history_tables& t)
      : residual_(t.residual), dates_(t.dates), block_length_(t.block_length) {}
  fhs_view view() { return fhs_view{Memory::raw(residual_), dates_, block_length_}; }

 private:
  buffer<Memory, float> residual_;
  int dates_, block_length_;
};

template <class Memory>
class market_storage {
 public:
  explicit market_storage(const market_plan& m)
      : kind_((validate_market_plan(m), m.kind)),
        diffusion_(m.diffusion, m.n_assets),
        jumps_(m.jumps),
        garch_(m.garch),
        history_(m.history) {}
  market_view view() {
    return market_view{kind_, diffusion_.view(), jumps_.view(), history_.view(), garch_.view()};
  }

 private:
  market_kind kind_;
  gbm_storage<Memory> diffusion_;
  jump_storage<Memory> jumps_;
  garch_storage<Memory> garch_;
  history_storage<Memory> history_;
};

}  // namespace levrisk
