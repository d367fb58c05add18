# Data shipped with the suite: the exclusion list, example config, topologies.
dist_pkgdata_DATA += data/exclude.conf
dist_pkgdata_DATA += data/tp.conf.example
dist_pkgdata_DATA += data/testbed-campaign.conf
dist_pkgdata_DATA += data/prometheus-alerts.yml
dist_pkgdata_DATA += data/bird-tp.conf
# The systemd service and timer (installed by the Debian package; see debian/rules).
EXTRA_DIST += data/systemd/traffic-predictor-campaign.service \
	data/systemd/traffic-predictor-campaign.timer
