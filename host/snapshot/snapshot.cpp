#include "host/snapshot/snapshot.hpp"

namespace levrisk {

// Linear scans: a snapshot holds tens of assets, and these are set-up lookups.
int snapshot::find_asset(const std::string& id) const {
  for (std::size_t i = 0; i < assets.size(); ++i) {
    if (assets[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

int snapshot::find_lending_market(int asset_index) const {
  for (std::size_t i = 0; i < lending_markets.size(); ++i) {
    if (lending_markets[i].asset_index == asset_index) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace levrisk
