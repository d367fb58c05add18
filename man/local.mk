# man pages: one mdoc page per program plus tp.conf(5).
dist_man_MANS += man/tp.conf.5
dist_man_MANS += man/tp-bgpctl.8
dist_man_MANS += man/tp-campaign.8
dist_man_MANS += man/tp-probe.8
dist_man_MANS += man/tp-analyze.1
