#include "host/snapshot/snapshot.hpp"

namespace levrisk {

// Linear scans: a snapshot holds tens of assets, and these are set-up lookups.
int snapshot::find_asset(const std::string& id) const {
  for (std::size_t i = 0; i < assets.size(); ++i) {
    if (assets[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

int snapshot::find_lending_market(int venue_index, int asset_index) const {
  for (std::size_t i = 0; i < lending_markets.size(); ++i) {
    const lending_market& m = lending_markets[i];
    if (m.venue_index == venue_index && m.asset_index == asset_index) return static_cast<int>(i);
  }
  return -1;
}

namespace {

template <class Venue>
int find_venue(const std::vector<Venue>& venues, const std::string& id) {
  for (std::size_t i = 0; i < venues.size(); ++i) {
    if (venues[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

int snapshot::find_lending_venue(const std::string& id) const {
  return find_venue(lending_venues, id);
}

int snapshot::find_perp_venue(const std::string& id) const {
  return find_venue(perp_venues, id);
}

}  // namespace levrisk
