#!/bin/bash
# test-campaign-ssh.sh: test-campaign.sh with every site reached over ssh
# (sshd in each site's namespace, `exec = ssh ...`), as in production:
# whole campaign, second run refused, SIGTERM, kill -9 with the dead-man
# switch and resume, and a listener that cannot start.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAMPAIGN_OVER_SSH=1 exec bash "$HERE/test-campaign.sh"
