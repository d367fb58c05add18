/* keygen.c: tp-probe keygen, a fresh probe key for every site to share. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "keyfile.h"
#include "log.h"
#include "opt_parse.h"
#include "probe_cmd.h"

const char keygen_usage[] =
    "usage: tp-probe keygen [-h] [-c config] [-k keyfile]\n";

/* Write a new key (mode 0600, never over an existing file). */
int
cmd_keygen(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "config", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = opt_default_key_path(), *conf_path = NULL;
	struct tp_conf conf;
	struct tp_err err;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+hc:k:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(keygen_usage, stdout);
			return 0;
		case 'c':
			conf_path = optarg;
			break;
		case 'k':
			path = optarg;
			conf_path = NULL;
			break;
		default:
			fputs(keygen_usage, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		log_error("keygen", "unexpected argument \"%s\"", argv[optind]);
		return 2;
	}
	if (conf_path != NULL) {
		if (tp_conf_load(conf_path, &conf, &err) < 0) {
			log_error("keygen", "%s", err.msg);
			return 1;
		}
		path = conf.key_file;
	}
	rc = tp_keyfile_generate(path, &err);
	if (rc < 0)
		log_error("keygen", "%s", err.msg);
	else
		log_info("keygen", "wrote %s; copy it (mode 0600) to every site", path);
	if (conf_path != NULL)
		tp_conf_free(&conf);
	return rc < 0 ? 1 : 0;
}
