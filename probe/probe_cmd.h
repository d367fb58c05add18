/* probe_cmd.h: the tp-probe commands, as main.c's table calls them. */
#ifndef TP_PROBE_CMD_H
#define TP_PROBE_CMD_H

/* Each takes the command's own argv (argv[0] = the command name); returns the exit status. */
int cmd_send(int argc, char **argv);
int cmd_listen(int argc, char **argv);
int cmd_keygen(int argc, char **argv);

/* Usage lines (also printed by "tp-probe -h"). */
extern const char send_usage[];
extern const char listen_usage[];
extern const char keygen_usage[];

#endif
