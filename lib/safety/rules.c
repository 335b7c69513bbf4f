/*
 * rules.c: the safety rules table, its matchers, and the read-only
 * allow-list.
 *
 * A command reaches these after safety.c has resolved its words and peeled
 * off wrappers. Every row of safety_rules whose program list names the
 * command's program runs its matcher; each match adds a reason with the
 * row's id, risk and message. Rows flagged RULE_FALLBACK run only when no
 * other row of the program matched and the command is not read-only, to
 * give a precise message for an ordinary change. A command that matches
 * nothing and is not read-only is rated moderate by the caller.
 *
 * Adding a rule: one row, a matcher (often one line over the helpers
 * below), and a line in tests/data/safety_cases.tsv.
 */
#include "safety/safety_int.h"
#include "buf.h"

#include <ctype.h>
#include <pthread.h>

/* ---- options that take a value ---------------------------------------- */

/*
 * One row per program (or per subcommand, where they differ): the options
 * whose value is the next word. Everything that walks a command's words
 * (operands, subcommands, wrappers peeled off, curl's output file) reads
 * them here, so that in curl -H 'X: y' URL or sudo -u bob rm F the value
 * is never taken for an operand. Options not listed are taken as flags.
 */
const struct optspec safety_optspecs[] = {
	{"curl", NULL, "AbcCdDeEFHKmoPQrTtuUwxXyYz",
	 "user-agent cookie cookie-jar continue-at data data-ascii data-binary data-raw "
	 "data-urlencode json dump-header referer cert key cacert capath form form-string "
	 "header config max-time connect-timeout output output-dir ftp-port quote range "
	 "upload-file telnet-option user proxy-user write-out proxy request speed-time "
	 "speed-limit time-cond retry retry-delay retry-max-time max-filesize max-redirs "
	 "limit-rate interface resolve connect-to proxy-header url unix-socket oauth2-bearer "
	 "aws-sigv4 pass ciphers trace trace-ascii stderr local-port cert-type key-type "
	 "dns-servers preproxy socks5 socks5-hostname noproxy variable expand-url "
	 "expand-data", false},
	{"wget", NULL, "oaOPeUtTwAlRDIXQBi",
	 "output-file append-output output-document directory-prefix execute user-agent tries "
	 "timeout wait accept reject level domains include-directories exclude-directories "
	 "quota base input-file header post-data post-file body-data body-file method user "
	 "password http-user http-password load-cookies save-cookies referer "
	 "ca-certificate certificate private-key limit-rate", false},
	{"ssh autossh", NULL, "BbcDEeFIiJLlmOopQRSWw", "", false},
	{"scp", NULL, "cDFiJloPSX", "", false},
	{"sftp", NULL, "BbcDFiJloPRS", "", false},
	{"rsync", NULL, "efBTM",
	 "rsh filter exclude include exclude-from include-from files-from temp-dir "
	 "partial-dir backup-dir suffix chmod chown usermap groupmap block-size timeout "
	 "contimeout port log-file log-file-format password-file bwlimit compare-dest "
	 "copy-dest link-dest max-size min-size max-delete out-format rsync-path info debug "
	 "sockopts modify-window iconv remote-option", false},
	{"sudo", NULL, "ugpChDrtUTR",
	 "user group host prompt chdir role type close-from other-user command-timeout "
	 "login-class", false},
	{"doas", NULL, "uC", "", false},
	{"usermod useradd", NULL, "cdefgGklKpsuR",
	 "comment home expiredate inactive gid groups login password shell uid root "
	 "prefix key skel", false},
	{"passwd", NULL, "nxwiR", "mindays maxdays warndays inactive root repository", false},
	{"chage", NULL, "dEImMWR",
	 "lastday expiredate inactive mindays maxdays warndays root", false},
	{"chsh", NULL, "sR", "shell root", false},
	{"pkexec run0", NULL, "uDg", "user group chdir description", false},
	{"nice", NULL, "n", "adjustment", false},
	{"time", NULL, "fo", "format output", false},
	{"stdbuf", NULL, "ioe", "input output error", false},
	{"ionice", NULL, "cnpPu", "class classdata pid pgid uid", false},
	{"exec", NULL, "a", "", false},
	{"nsenter", NULL, "tSGw", "target setuid setgid wd", false},
	{"unshare", NULL, "SGRw", "setuid setgid root wd map-user map-group", false},
	{"strace ltrace", NULL, "eopsuEIaPbX", "output", false},
	{"cpulimit", NULL, "lpe", "limit pid exe", false},
	{"npx bunx pnpx", NULL, "p", "package", false},
	{"trickle", NULL, "udwtlLn", "", false},
	{"numactl", NULL, "NmCpiPw", "cpunodebind membind physcpubind preferred interleave",
	 false},
	{"xvfb-run", NULL, "nsfepw", "server-num server-args auth-file error-file xauth-protocol "
	 "wait", false},
	{"systemd-run", NULL, "pEM",
	 "unit property description slice uid gid working-directory setenv machine", false},
	{"timeout", NULL, "sk", "signal kill-after", false},
	{"chroot", NULL, "", "userspec groups", false},
	{"flock", NULL, "wEc", "timeout conflict-exit-code command", false},
	{"xargs", NULL, "IdaELnPs",
	 "max-args max-procs delimiter arg-file max-lines max-chars replace eof "
	 "process-slot-var", false},
	{"parallel", NULL, "jPSINnCdEaL",
	 "jobs max-procs sshlogin sshloginfile max-args max-replace-args colsep delimiter "
	 "eof arg-file timeout delay joblog results tmpdir workdir basefile return "
	 "transfer-file memfree load nice retries termseq", false},
	{"runuser", NULL, "ugGlw", "user group supp-group shell whitelist-environment", false},
	{"su", NULL, "cgGs", "command group supp-group shell whitelist-environment", false},
	{"watch", NULL, "n", "interval", false},
	{"git", NULL, "Cc", "git-dir work-tree namespace super-prefix config-env", false},
	{"docker podman nerdctl", NULL, "Hlc",
	 "host log-level context config tlscacert tlscert tlskey url connection root "
	 "runroot", false},
	{"kubectl oc", NULL, "ns",
	 "namespace context kubeconfig cluster user server token as as-group "
	 "certificate-authority client-certificate client-key request-timeout cache-dir "
	 "tls-server-name", false},
	{"helm", NULL, "n", "namespace kube-context kubeconfig registry-config", false},
	/* Tools that run one command on many hosts. */
	{"pdsh", NULL, "wxgXlRftuN", "", false},
	{"pssh parallel-ssh", NULL, "hHlpoetOxX",
	 "hosts host user par outdir errdir timeout option extra-args extra-arg", false},
	{"clush", NULL, "wxgXlfFtuoOR",
	 "nodes exclude group user fanout topology connect_timeout command_timeout options "
	 "worker", false},
	{"ansible", NULL, "aMmiecfBPtuTkKbl",
	 "args module-name module-path inventory extra-vars connection forks background "
	 "poll tree user timeout become-method become-user limit vault-id private-key",
	 false},
	{"salt salt-ssh", NULL, "tLEGIgNRCSt",
	 "timeout out out-file return batch-size", false},
	{"systemctl", NULL, "HMptnos",
	 "host machine property type state signal kill-whom root output lines job-mode "
	 "what", false},
	{"apt apt-get aptitude", NULL, "oct", "option config-file target-release", false},
	{"dnf yum microdnf tdnf", NULL, "cxdeR",
	 "config exclude setopt releasever installroot repo enablerepo disablerepo "
	 "repofrompath", false},
	{"pacman", NULL, "br", "dbpath root cachedir config arch", false},
	{"pip pip3", NULL, "rcti",
	 "requirement constraint target index-url extra-index-url find-links", false},
	{"find", NULL, "", "", true},
	{"fd fdfind", NULL, "etEdScjo",
	 "extension type exclude max-depth min-depth exact-depth size changed-within "
	 "changed-before color threads owner base-directory max-results ignore-file "
	 "format path-separator batch-size search-path", false},
	{"openssl", NULL, "",
	 "out keyout in inkey passin passout config subj days newkey name CAfile CApath "
	 "connect servername key cert certfile signkey extfile extensions pkeyopt", true},
	{"gpg gpg2", NULL, "oru",
	 "output recipient local-user default-key homedir keyring trust-model", false},
	{"sort", NULL, "otSkT",
	 "output field-separator key buffer-size temporary-directory parallel", false},
	{"sed", NULL, "efl", "expression file line-length", false},
	{"perl", NULL, "eEMmI", "", false},
	{"awk gawk mawk nawk", NULL, "Fvf", "file assign field-separator", false},
	{"shred", NULL, "ns", "iterations size random-source", false},
	{"truncate", NULL, "sr", "size reference", false},
	{"cp mv ln", NULL, "St", "target-directory suffix", false},
	{"install", NULL, "Stmog",
	 "target-directory suffix mode owner group", false},
	{"chown chgrp", NULL, "", "from reference", false},
	{"setfacl", NULL, "mMxX", "modify modify-file remove remove-file set set-file", false},
	{"mount", NULL, "otLUTNO", "options types label uuid fstab namespace test-opts", false},
	{"umount", NULL, "tO", "types test-opts", false},
	{"mkfs mkfs.* mke2fs mkswap newfs newfs_* mkdosfs mkntfs mkexfatfs", NULL,
	 "tLbBOmgGEIJrUCdisST", "", false},
	{"crontab", NULL, "u", "", false},
	{"pkill pgrep", NULL, "gGPstuUF",
	 "signal pgroup group parent session terminal euid uid pidfile ns nslist", false},
	{"killall", NULL, "suoyZ", "signal user older-than younger-than context", false},
	{"psql", NULL, "cdfhpUvLoTFRP",
	 "command dbname file host port username set variable log-file output pset "
	 "field-separator record-separator table-attr", false},
	{"mysql mariadb mysqladmin mysqldump", NULL, "uhPSeDO",
	 "user host port socket execute database defaults-file defaults-extra-file "
	 "login-path", false},
	{"sqlite3 duckdb", NULL, "",
	 "cmd init separator newline nullvalue vfs mmap lookaside maxsize pagecache heap "
	 "c s", true},
	{"clickhouse-client", NULL, "qhudP", "query host user database password port", false},
	{"cqlsh", NULL, "eufkp", "execute username file keyspace password", false},
	{"sqlcmd", NULL, "SUPdQqiov", "", false},
	{"mongo mongosh", NULL, "uph", "eval username password host port file", false},
	{"redis-cli valkey-cli", NULL, "hpasnuri", "user pass", false},
	/* Subcommands with options of their own: the container's command
	 * follows its image or name. */
	{"docker podman nerdctl", "run create", "acehlmpuvwL",
	 "add-host annotation attach blkio-weight blkio-weight-device cap-add cap-drop "
	 "cgroup-parent cgroupns cidfile cpu-period cpu-quota cpu-rt-period cpu-rt-runtime "
	 "cpu-shares cpus cpuset-cpus cpuset-mems device device-cgroup-rule "
	 "device-read-bps device-read-iops device-write-bps device-write-iops detach-keys "
	 "dns dns-option dns-search domainname entrypoint env env-file expose gpus "
	 "group-add health-cmd health-interval health-retries health-start-period "
	 "health-timeout hostname ip ip6 ipc isolation kernel-memory label label-file link "
	 "link-local-ip log-driver log-opt mac-address memory memory-reservation "
	 "memory-swap memory-swappiness mount name network net network-alias "
	 "oom-score-adj pid pids-limit platform publish pull restart runtime "
	 "security-opt shm-size stop-signal stop-timeout storage-opt sysctl tmpfs ulimit "
	 "user userns uts volume volume-driver volumes-from workdir pod arch os secret "
	 "requires", false},
	{"docker podman nerdctl", "exec", "euw", "env env-file user workdir detach-keys", false},
	{"docker podman nerdctl", "compose", "fp",
	 "file project-name profile env-file project-directory ansi progress parallel", false},
	{"docker-compose", NULL, "fp",
	 "file project-name profile env-file project-directory ansi progress parallel", false},
	{"docker podman nerdctl docker-compose", "compose-run", "evwulp",
	 "entrypoint env env-file label name publish user volume workdir cap-add "
	 "cap-drop", false},
	{"docker podman nerdctl docker-compose", "compose-exec", "euw",
	 "env user workdir index", false},
	{"kubectl oc", "exec", "cnsf",
	 "container namespace filename pod-running-timeout context kubeconfig", false},
};

const size_t safety_n_optspecs = ARRAY_SIZE(safety_optspecs);

const struct optspec *safety_optspec(const char *prog, const char *sub)
{
	size_t k;

	if (!sub) {
		struct prog_info pi;

		safety_lookup(prog, &pi);
		return pi.opt >= 0 ? &safety_optspecs[pi.opt] : NULL;
	}
	for (k = 0; k < ARRAY_SIZE(safety_optspecs); k++)
		if (safety_optspecs[k].sub && safety_prog_in(sub, safety_optspecs[k].sub) &&
		    safety_prog_in(prog, safety_optspecs[k].progs))
			return &safety_optspecs[k];
	return NULL;
}

/* ---- helpers ---------------------------------------------------------- */

/* Iterate operands (non-options) in one pass: options end at "--";
 * options that take a value (under spec) skip it. */
struct opit {
	size_t i;
	bool no_opts;
};

static int op_next(const struct cmd *c, struct opit *it, const struct optspec *spec)
{
	while (++it->i < c->ac) {
		const char *s = c->av[it->i].s;

		if (!it->no_opts && !strcmp(s, "--")) {
			it->no_opts = true;
			continue;
		}
		if (!it->no_opts && s[0] == '-' && s[1]) {
			if (opt_takes_next(spec, s))
				it->i++;
			continue;
		}
		return (int)it->i;
	}
	return -1;
}

/* Each operand of c, options and their values (c->opt) skipped. */
#define FOR_OPERANDS(c, i) \
	for (struct opit it_ = {0, false}; ((i) = op_next((c), &it_, (c)->opt)) >= 0;)

/* Program classes, by name. */
static const struct {
	unsigned cls;
	const char *progs;
} classes[] = {
	{PROG_SHELL, "sh bash zsh dash ksh mksh ash fish csh tcsh yash"},
	{PROG_INTERP, "python python2 python3 python3.* pypy pypy3 perl ruby node nodejs deno "
		      "bun php lua luajit Rscript R julia osascript tclsh expect jshell pwsh powershell"},
	{PROG_DOWNLOAD, "curl wget fetch aria2c http https xh lwp-download GET lwp-request axel"},
	{PROG_NET, "nc ncat netcat telnet socat openssl cryptcat pwncat"},
	{PROG_DECODE, "base64 base32 basenc xxd uudecode"},
	{PROG_CONTAINER, "docker podman nerdctl docker-compose kubectl oc"},
	{PROG_OUTFILE, "curl wget sort gpg gpg2 openssl"},
	/* The programs of code_opts in safety.c, and git (-c KEY=VALUE). */
	{PROG_CODEOPT, "tar gtar bsdtar zip rsync vim vi nvim view vimdiff ex gvim less more ssh "
		       "scp sftp autossh gdb git man emacs emacsclient"},
	{PROG_SUDO, "sudo doas pkexec run0"},
	{PROG_FLEET, "pdsh pssh parallel-ssh clush ansible salt salt-ssh"},
	{PROG_WRAPPER, "nice nohup command builtin exec time stdbuf ionice chrt taskset setsid coproc "
		       "unbuffer caffeinate nocache catchsegv strace ltrace torsocks proxychains "
		       "proxychains4 firejail rlwrap systemd-run doppler op nsenter unshare valgrind "
		       "xvfb-run chronic prlimit cpulimit trickle numactl npx bunx pnpx"},
};

unsigned safety_prog_class(const char *prog)
{
	struct prog_info pi;

	safety_lookup(prog, &pi);
	return pi.cls;
}

static bool is_shell_name(const char *s)
{
	return (safety_prog_class(s) & PROG_SHELL) || !strcmp(s, "busybox");
}

bool safety_is_shell(const char *prog)
{
	return (safety_prog_class(prog) & PROG_SHELL) != 0;
}

bool safety_is_interpreter(const char *prog)
{
	return (safety_prog_class(prog) & PROG_INTERP) != 0;
}



/* The av index of the git/docker/... subcommand, past the global options
 * and their values (c->opt). 0 if none. */
static size_t subcmd(const struct cmd *c)
{
	size_t i;

	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (s[0] != '-')
			return i;
		if (opt_takes_next(c->opt, s))
			i++;
	}
	return 0;
}

static bool sub_is(const struct cmd *c, size_t i, const char *list)
{
	return i && i < c->ac && safety_prog_in(c->av[i].s, list);
}

/* Any operand whose class satisfies pred; returns its index. */
static int any_path(struct cmd *c, bool (*pred)(const struct pinfo *pi, const struct sword *w))
{
	int i;

	FOR_OPERANDS(c, i)
		if (pred(safety_path(c, (size_t)i), &c->av[i]))
			return i;
	return -1;
}

/* Destination of cp/mv/install/ln/rsync: -t DIR or the last operand. */
static int dest_operand(struct cmd *c)
{
	int i, last = -1, n = 0;
	struct optit it = OPTIT_INIT;
	struct opt o;

	/* -t DIR where the program has one (rsync's -t is --times). */
	while (opt_next(c, &it, &o))
		if (opt_is(&o, 't', "target-directory") && o.val)
			return (int)o.val_i;
	FOR_OPERANDS(c, i) {
		last = i;
		n++;
	}
	return n >= 2 ? last : -1;
}

static bool recursive(const struct cmd *c)
{
	size_t i;

	if (cmd_has_short(c, 'r') || cmd_has_short(c, 'R') || cmd_has_long(c, "--recursive"))
		return true;
	/* rimraf is rm -rf by another name. */
	if (!strcmp(c->prog, "rimraf"))
		return true;
	for (i = 1; i < c->ac; i++)
		if (c->av[i].flags & SW_EVERY)
			return true;
	return false;
}

/* ---- rm --------------------------------------------------------------- */

static bool p_root(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->cls == PC_ROOT;
}

static bool p_home(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->cls == PC_HOME;
}

static bool p_system(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->cls == PC_SYSTEM;
}

static bool p_system_file(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->cls == PC_SYSTEM_FILE || pi->auth;
}

static bool p_auth(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->auth;
}

static bool p_device(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->cls == PC_DEVICE;
}

static bool p_cwd_parent(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->cls == PC_CWD || pi->cls == PC_PARENT;
}

static bool p_vcs(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->cls == PC_VCS;
}

static bool p_home_item(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->cls == PC_HOME_ITEM;
}

static bool p_sensitive(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->sensitive && (pi->cls == PC_HOME_ITEM || pi->cls == PC_HOME_DEEP);
}

static bool p_var_root(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->cls == PC_VAR_ROOT;
}

static bool p_history(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->history;
}

static bool p_any(const struct pinfo *pi, const struct sword *w)
{
	(void)pi;
	(void)w;
	return true;
}

static bool p_wide(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->cls >= PC_SYSTEM_FILE || pi->cls == PC_CWD || pi->cls == PC_PARENT ||
	       pi->cls == PC_HOME_ITEM;
}

static int m_rm_root(struct cmd *c)
{
	return recursive(c) ? any_path(c, p_root) : -1;
}

static int m_rm_root_files(struct cmd *c)
{
	return !recursive(c) ? any_path(c, p_root) : -1;
}

static int m_rm_home(struct cmd *c)
{
	return recursive(c) ? any_path(c, p_home) : -1;
}

static int m_rm_home_files(struct cmd *c)
{
	return !recursive(c) ? any_path(c, p_home) : -1;
}

static int m_rm_system(struct cmd *c)
{
	return recursive(c) ? any_path(c, p_system) : -1;
}

/* /usr/local and /opt trees (perm-local's) are locally installed. */
static bool is_local_tree(const struct sword *w);

static bool p_system_every_file(const struct pinfo *pi, const struct sword *w)
{
	return pi->cls == PC_SYSTEM && pi->all && !is_local_tree(w);
}

/* rm /bin/ *, rm -f /boot/ *: without -r every file of a system dir
 * still goes (the kernels, every program); only its subdirs stay. */
static int m_rm_system_all_files(struct cmd *c)
{
	return recursive(c) ? -1 : any_path(c, p_system_every_file);
}

static int m_rm_system_files(struct cmd *c)
{
	int i = any_path(c, p_system_file);

	return i >= 0 ? i : !recursive(c) ? any_path(c, p_system) : -1;
}

static int m_rm_auth(struct cmd *c)
{
	return any_path(c, p_auth);
}

static int m_rm_device(struct cmd *c)
{
	return any_path(c, p_device);
}

static int m_rm_cwd(struct cmd *c)
{
	return any_path(c, p_cwd_parent);
}

static int m_rm_vcs(struct cmd *c)
{
	return recursive(c) ? any_path(c, p_vcs) : -1;
}

static int m_rm_home_item(struct cmd *c)
{
	int i = recursive(c) ? any_path(c, p_home_item) : -1;

	return i >= 0 ? i : any_path(c, p_sensitive);
}

static bool p_top_dir(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->top;
}

static int m_rm_top(struct cmd *c)
{
	return recursive(c) ? any_path(c, p_top_dir) : -1;
}

static int m_rm_var_root(struct cmd *c)
{
	return recursive(c) ? any_path(c, p_var_root) : -1;
}

static int m_history_file(struct cmd *c)
{
	return any_path(c, p_history);
}

static int m_no_preserve_root(struct cmd *c)
{
	return cmd_has_long(c, "--no-preserve-root") ? 0 : -1;
}

static int m_any(struct cmd *c)
{
	(void)c;
	return 0;
}

/* ---- find ------------------------------------------------------------- */

/* -delete, or -exec rm {} (or unlink, shred; -execdir, -ok...): the
 * files found are deleted either way. */
static bool find_deletes(const struct cmd *c)
{
	size_t i;

	if (cmd_has_arg(c, "-delete"))
		return true;
	for (i = 1; i + 2 < c->ac; i++) {
		const char *s = c->av[i].s, *prog;
		size_t j;

		if (strcmp(s, "-exec") && strcmp(s, "-execdir") && strcmp(s, "-ok") &&
		    strcmp(s, "-okdir"))
			continue;
		prog = strrchr(c->av[i + 1].s, '/');
		prog = prog ? prog + 1 : c->av[i + 1].s;
		/* truncate -s 0 {} keeps the names and empties them all. */
		if (!safety_prog_in(prog, "rm unlink shred srm truncate"))
			continue;
		for (j = i + 2; j < c->ac && strcmp(c->av[j].s, ";"); j++)
			if (!strcmp(c->av[j].s, "{}"))
				return true;
	}
	return false;
}

static int m_find_delete_all(struct cmd *c)
{
	struct find_scope fs;

	if (!find_deletes(c))
		return -1;
	safety_find_scope(c, &fs);
	return !fs.narrow && (fs.start.cls == PC_ROOT || fs.start.cls == PC_SYSTEM ||
			      fs.start.cls == PC_HOME) ? (int)fs.start_i : -1;
}

/* Is av[i] a temporary directory itself (/tmp, /var/tmp)? Its entries
 * class as PC_TMP. */
static bool is_tmp_dir(struct cmd *c, size_t i)
{
	char child[512];
	struct pinfo pi;

	if (!i || (c->av[i].flags & SW_DYNAMIC) ||
	    (size_t)snprintf(child, sizeof(child), "%s/x", c->av[i].s) >= sizeof(child))
		return false;
	safety_classify_cmd(c, child, false, &pi);
	return pi.cls == PC_TMP;
}

static int m_find_delete_wide(struct cmd *c)
{
	struct find_scope fs;

	if (!find_deletes(c))
		return -1;
	safety_find_scope(c, &fs);
	/* Selected files in /tmp itself (find /tmp -mtime +7 -delete) are
	 * routine clean-up, like rm -rf /tmp/ *. */
	if (fs.narrow)
		return fs.start.cls >= PC_SYSTEM_FILE && !is_tmp_dir(c, fs.start_i) ?
			       (int)fs.start_i : -1;
	return p_wide(&fs.start, NULL) || fs.start.cls == PC_VCS || fs.start.cls == PC_VAR_ROOT
		       ? (int)fs.start_i : -1;
}

/* find -fprint FILE (and -fprint0, -fprintf, -fls) onto a disk. */
static int m_find_print_device(struct cmd *c)
{
	size_t i;

	for (i = 1; i + 1 < c->ac; i++)
		if (safety_prog_in(c->av[i].s, "-fprint -fprint0 -fprintf -fls") &&
		    safety_path(c, i + 1)->cls == PC_DEVICE)
			return (int)i + 1;
	return -1;
}

static int m_find_writes(struct cmd *c)
{
	return find_deletes(c) || cmd_has_arg(c, "-fprint") || cmd_has_arg(c, "-fprint0") ||
	       cmd_has_arg(c, "-fprintf") || cmd_has_arg(c, "-fls") ? 0 : -1;
}

/* ---- disks ------------------------------------------------------------ */

/* dd's of= operand, classified. */
static int dd_of(struct cmd *c, struct pinfo *pi)
{
	size_t i;

	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (!strncmp(s, "of=", 3)) {
			s += 3;
			safety_classify_cmd(c, s, s[0] == '~' && (s[1] == '/' || !s[1]), pi);
			return (int)i;
		}
	}
	return -1;
}

static int m_dd_device(struct cmd *c)
{
	struct pinfo pi;
	int i = dd_of(c, &pi);

	return i >= 0 && pi.cls == PC_DEVICE ? i : -1;
}

static int m_dd_overwrite(struct cmd *c)
{
	struct pinfo pi;
	int i = dd_of(c, &pi);

	if (i < 0)
		return -1;
	return pi.cls == PC_SYSTEM || pi.cls == PC_SYSTEM_FILE || pi.cls == PC_ROOT ||
	       pi.cls == PC_HOME || pi.cls == PC_HOME_ITEM || pi.cls == PC_HOME_DEEP ||
	       pi.auth || pi.kernel || pi.cls == PC_VAR_ROOT ? i : -1;
}

static int m_dd_write(struct cmd *c)
{
	struct pinfo pi;
	int i = dd_of(c, &pi);

	return i >= 0 && pi.cls != PC_NULLDEV ? i : -1;
}

static int m_any_device(struct cmd *c)
{
	size_t i;
	struct pinfo pi;

	for (i = 1; i < c->ac; i++) {
		if (c->av[i].s[0] == '-')
			continue;
		if (safety_path(c, i)->cls == PC_DEVICE)
			return (int)i;
		/* operand forms like device=/dev/sda */
		const char *eq = strchr(c->av[i].s, '=');

		if (eq && eq[1] == '/') {
			safety_classify_cmd(c, eq + 1, false, &pi);
			if (pi.cls == PC_DEVICE)
				return (int)i;
		}
	}
	return -1;
}

static int m_unknown_target(struct cmd *c)
{
	int i;

	FOR_OPERANDS(c, i)
		if (c->av[i].flags & SW_DYNAMIC)
			return i;
	return -1;
}

static int m_wipefs(struct cmd *c)
{
	return (cmd_has_short(c, 'a') || cmd_has_long(c, "--all") || cmd_has_short(c, 'o') ||
		cmd_has_long(c, "--offset")) ? m_any_device(c) : -1;
}

static bool partition_listing(const struct cmd *c)
{
	if (cmd_has_short(c, 'l') || cmd_has_long(c, "--list") || cmd_has_short(c, 'p') ||
	    cmd_has_long(c, "--print") || cmd_has_long(c, "--dump") || cmd_has_short(c, 'J') ||
	    cmd_has_short(c, 'v') || cmd_has_long(c, "--verify") || cmd_has_short(c, 'V') ||
	    cmd_has_long(c, "--info") || cmd_has_short(c, 'i'))
		return true;
	if (!strcmp(c->prog, "sfdisk") && cmd_has_short(c, 'd'))
		return true;
	if (!strcmp(c->prog, "parted") && (cmd_has_arg(c, "print") || cmd_has_arg(c, "p")))
		return true;
	return false;
}

/* Is line (trimmed of blanks) one of text's lines? */
static bool text_has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		p += strspn(p, " \t");
		if (!strncmp(p, line, n) && (!p[n] || strchr(" \t\r\n", p[n])))
			return true;
	}
	return false;
}

/* Filesystem repair and resize tools, except in their read-only forms
 * (fsck -n, xfs_repair -n, tune2fs -l): they rewrite a filesystem's
 * metadata in place, and lose data when it is mounted, when a repair
 * throws the log away (xfs_repair -L) or when it is shrunk too far. */
static int m_fs_repair(struct cmd *c)
{
	if (!strcmp(c->prog, "tune2fs") && cmd_has_short(c, 'l'))
		return -1;
	if (strcmp(c->prog, "resize2fs") && strcmp(c->prog, "tune2fs") &&
	    (cmd_has_short(c, 'n') || cmd_has_short(c, 'N') || cmd_has_long(c, "--dry-run")))
		return -1;
	if (!strcmp(c->prog, "resize2fs") && cmd_has_short(c, 'P'))
		return -1; /* prints the minimum size */
	return m_any_device(c);
}

static int m_partition_destroy(struct cmd *c)
{
	if (partition_listing(c))
		return -1;
	/* fdisk DEV fed a script (printf 'o\nw\n' | fdisk DEV): a "w"
	 * line writes what the script made; a script not known may. */
	if (safety_prog_in(c->prog, "fdisk gdisk") && c->in && c->in->kind != IN_NONE &&
	    !(c->in->kind == IN_FILE && !strcmp(c->in->text, "/dev/null")) &&
	    (c->in->kind != IN_TEXT || !c->in->text || text_has_line(c->in->text, "w")))
		return m_any_device(c);
	if (!strcmp(c->prog, "sgdisk") || !strcmp(c->prog, "sfdisk") ||
	    (!strcmp(c->prog, "parted") && (cmd_has_arg(c, "mklabel") || cmd_has_arg(c, "mktable") ||
					    cmd_has_arg(c, "rm") || cmd_has_arg(c, "mkpart"))))
		return m_any_device(c);
	return -1;
}

/* Verbs and options of disk tools that destroy what a device holds:
 * cryptsetup luksFormat (a new empty volume), nvme format and sanitize,
 * hdparm's ATA secure erase and raw sector writes, badblocks' write test,
 * an LVM label or a RAID array written over a disk. */
static int m_erase_verb(struct cmd *c)
{
	size_t i;

	if (!strcmp(c->prog, "pvcreate"))
		return m_any_device(c);
	/* asr restore --erase wipes the target volume; gpart destroy a
	 * disk's partition table (FreeBSD names disks without /dev). */
	if (!strcmp(c->prog, "asr"))
		return cmd_has_long(c, "--erase") ? 0 : -1;
	if (!strcmp(c->prog, "gpart"))
		return c->ac > 1 && !strcmp(c->av[1].s, "destroy") ? 1 : -1;
	if (!strcmp(c->prog, "badblocks"))
		return cmd_has_short(c, 'w') ? m_any_device(c) : -1;
	if (!strcmp(c->prog, "mdadm"))
		return cmd_has_short(c, 'C') || cmd_has_long(c, "--create") ||
			       cmd_has_long(c, "--zero-superblock") ? m_any_device(c) : -1;
	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (!strcmp(c->prog, "hdparm") ?
			    safety_prog_in(s, "--security-erase --security-erase-enhanced "
					      "--trim-sector-ranges --write-sector --make-bad-sector") :
			    (s[0] != '-' && (str_ieq(s, "luksFormat") || str_ieq(s, "erase") ||
					     str_ieq(s, "luksErase") || str_ieq(s, "reencrypt") ||
					     str_ieq(s, "format") || str_ieq(s, "sanitize"))))
			return m_any_device(c);
	}
	return -1;
}

static int m_partition_edit(struct cmd *c)
{
	return partition_listing(c) ? -1 : m_any_device(c);
}

static int m_diskutil_erase(struct cmd *c)
{
	size_t i = subcmd(c);

	if (sub_is(c, i, "eraseDisk eraseVolume partitionDisk zeroDisk randomDisk secureErase "
			 "reformat eraseVolume"))
		return (int)i;
	if (sub_is(c, i, "apfs") && i + 1 < c->ac &&
	    safety_prog_in(c->av[i + 1].s, "deleteContainer deleteVolume eraseVolume"))
		return (int)i;
	return -1;
}

/* ---- writes onto files ------------------------------------------------ */

/* Each output file of tee, or the destination of cp/mv/install/ln. */
static int write_target(struct cmd *c, bool (*pred)(const struct pinfo *pi, const struct sword *w))
{
	int i;

	/* tee F..., sponge F: every operand is written. */
	if (!strcmp(c->prog, "tee") || !strcmp(c->prog, "sponge")) {
		FOR_OPERANDS(c, i)
			if (pred(safety_path(c, (size_t)i), &c->av[i]))
				return i;
		return -1;
	}
	i = dest_operand(c);
	/* cp x /tmp writes /tmp/x, a temporary file, not /tmp itself. */
	if (i >= 0 && is_tmp_dir(c, (size_t)i))
		return -1;
	return i >= 0 && pred(safety_path(c, (size_t)i), &c->av[i]) ? i : -1;
}

static bool p_login_keys(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->login_keys;
}

/* Any write to authorized_keys, appends (tee -a) included: each key in it
 * may log in. */
static int m_login_keys(struct cmd *c)
{
	return write_target(c, p_login_keys);
}

static bool p_sysrq(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->sysrq;
}

static bool p_system_write(const struct pinfo *pi, const struct sword *w)
{
	/* /usr/local, /opt, /etc/nginx/...: writing a file there is
	 * routine, unlike replacing /etc/hosts. */
	(void)w;
	if (pi->routine)
		return false;
	return pi->cls == PC_SYSTEM || pi->cls == PC_SYSTEM_FILE || pi->kernel ||
	       pi->cls == PC_ROOT;
}

static bool p_nulldev(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->cls == PC_NULLDEV && !strcmp(w->s, "/dev/null");
}

static int m_write_device(struct cmd *c)
{
	return write_target(c, p_device);
}

/* An archiver writing its archive over a disk: tar -cf /dev/sda,
 * cpio -o -F /dev/sda, zip naming one as the archive. Tapes (/dev/st0)
 * are not disks and stay out. */
static int m_archive_device(struct cmd *c)
{
	bool zip = !strcmp(c->prog, "zip"), create = zip;
	size_t i;

	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (safety_prog_in(s, "--create --append --update -o") ||
		    (s[0] == '-' && s[1] != '-' && strpbrk(s + 1, "cru")) ||
		    (i == 1 && s[0] != '-' && strpbrk(s, "cru")))
			create = true;
	}
	for (i = 1; create && i < c->ac; i++) {
		const char *s = c->av[i].s;
		struct pinfo pi;

		if (str_startswith(s, "--file=")) {
			safety_classify_cmd(c, s + 7, false, &pi);
			if (pi.cls == PC_DEVICE)
				return (int)i;
		} else if (i + 1 < c->ac &&
			   (safety_prog_in(s, "-f -F --file") ||
			    (s[0] == '-' && s[1] != '-' && s[strlen(s) - 1] == 'f') ||
			    (i == 1 && s[0] != '-' && strchr(s, 'f')))) {
			if (safety_path(c, i + 1)->cls == PC_DEVICE)
				return (int)i + 1;
		} else if (zip && s[0] != '-' && safety_path(c, i)->cls == PC_DEVICE) {
			return (int)i;
		}
	}
	return -1;
}

/* Unpacking an archive over / or a system dir (tar -xf x.tar -C /,
 * unzip -o x.zip -d /usr, or after cd /): whatever the archive holds
 * replaces the files there. /usr/local and /opt are routine. */
static int m_extract_over(struct cmd *c)
{
	const char *dir = ".";
	char child[512];
	bool tar = c->prog[0] != 'u', extract = !tar;
	int di = 0;
	size_t i;
	struct pinfo pi;

	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (tar && (safety_prog_in(s, "--extract --get") ||
			    (s[0] == '-' && s[1] != '-' && strchr(s + 1, 'x')) ||
			    (i == 1 && s[0] != '-' && strchr(s, 'x'))))
			extract = true;
		if (!strcmp(s, tar ? "-C" : "-d") || (tar && !strcmp(s, "--directory"))) {
			if (i + 1 < c->ac) {
				dir = c->av[i + 1].s;
				di = (int)i + 1;
			}
		} else if (tar && str_startswith(s, "--directory=")) {
			dir = s + 12;
			di = (int)i;
		} else if (tar && s[0] == '-' && s[1] == 'C' && s[2]) {
			dir = s + 2;
			di = (int)i;
		}
	}
	if (!extract || (di && (c->av[di].flags & SW_DYNAMIC)))
		return -1;
	safety_classify_cmd(c, dir, false, &pi);
	if (pi.cls != PC_ROOT && pi.cls != PC_SYSTEM)
		return -1;
	/* /usr/local and /opt themselves: what lands in them is routine. */
	if ((size_t)snprintf(child, sizeof(child), "%s/x", dir) < sizeof(child)) {
		safety_classify_cmd(c, child, false, &pi);
		if (pi.routine)
			return -1;
	}
	return di;
}

static int m_write_sysrq(struct cmd *c)
{
	return write_target(c, p_sysrq);
}

static bool p_essential(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->essential;
}

/* Deleting, moving away, replacing or emptying a file the system needs
 * (rm /bin/sh, ln -sf /bin/false /bin/sh, mv /usr/bin/sudo x), or taking
 * its execute or setuid bit (chmod 000 /usr/bin/sudo, chmod u-s). */
static int m_break_essential(struct cmd *c)
{
	if (safety_prog_in(c->prog, "rm unlink shred truncate srm mv"))
		return any_path(c, p_essential);
	if (safety_prog_in(c->prog, "cp ln install tee")) {
		/* ln -sf /bin/dash /bin/sh puts another shell there, as
		 * dpkg-reconfigure dash does. */
		int src = cmd_operand(c, 0);

		if (src >= 0 && strcmp(c->prog, "tee")) {
			const char *b = strrchr(c->av[src].s, '/');

			b = b ? b + 1 : c->av[src].s;
			if (safety_is_shell(b) || !strcmp(b, "busybox"))
				return -1;
		}
		return write_target(c, p_essential);
	}
	if (safety_prog_in(c->prog, "dd dcfldd dc3dd")) {
		struct pinfo pi;
		int i = dd_of(c, &pi);

		return i >= 0 && pi.essential ? i : -1;
	}
	if (!strcmp(c->prog, "chmod")) {
		const char *s = NULL;
		size_t m;

		/* The mode: the first word that is one (-x looks like an
		 * option but is a mode). */
		for (m = 1; m < c->ac && !s; m++) {
			const char *t = c->av[m].s, *op = t + strspn(t, "ugoa");

			if ((isdigit((unsigned char)t[0]) && strspn(t, "01234567") == strlen(t)) ||
			    (strchr("-+=", *op) && *op && op[1] && strspn(op + 1, "rwxXst") == strlen(op + 1)))
				s = t;
		}
		if (!s)
			return -1;
		/* A mode that takes x or s away: an owner digit without x
		 * (000, 644), or -x, -s, or = without x. */
		if (isdigit((unsigned char)s[0])) {
			size_t n = strlen(s);

			if (n < 3 || ((s[n - 3] - '0') & 1))
				return -1;
		} else if (!(strchr(s, '-') && strpbrk(s, "xs")) &&
			   !(strchr(s, '=') && !strchr(s, 'x'))) {
			return -1;
		}
		return any_path(c, p_essential);
	}
	return -1;
}

static int m_truncate_auth(struct cmd *c)
{
	if (safety_prog_in(c->prog, "tee sponge") &&
	    (cmd_has_short(c, 'a') || cmd_has_long(c, "--append")))
		return -1;
	if (!strcmp(c->prog, "sponge"))
		return write_target(c, p_auth);
	/* ln -sf /dev/null /etc/passwd, install -m 000 /dev/null F. */
	if (safety_prog_in(c->prog, "ln install") && cmd_has_arg(c, "/dev/null"))
		return write_target(c, p_auth);
	if (safety_prog_in(c->prog, "dd dcfldd dc3dd")) {
		struct pinfo pi;
		int i = dd_of(c, &pi);

		return i >= 0 && pi.auth ? i : -1;
	}
	if (!strcmp(c->prog, "truncate"))
		return any_path(c, p_auth);
	if (!strcmp(c->prog, "cp") && cmd_has_arg(c, "/dev/null"))
		return write_target(c, p_auth);
	return !strcmp(c->prog, "tee") ? write_target(c, p_auth) : -1;
}

static int m_write_auth(struct cmd *c)
{
	if (!strcmp(c->prog, "sed") || !strcmp(c->prog, "perl"))
		return (cmd_has_short(c, 'i') || cmd_has_long(c, "--in-place")) ?
			       any_path(c, p_auth) : -1;
	return write_target(c, p_auth);
}

static int m_write_system(struct cmd *c)
{
	if (!strcmp(c->prog, "sed") || !strcmp(c->prog, "perl"))
		return (cmd_has_short(c, 'i') || cmd_has_long(c, "--in-place")) ?
			       any_path(c, p_system_write) : -1;
	if (!strcmp(c->prog, "truncate"))
		return any_path(c, p_system_write);
	return write_target(c, p_system_write);
}

static int m_write_dotfile(struct cmd *c)
{
	if (!strcmp(c->prog, "tee") && (cmd_has_short(c, 'a') || cmd_has_long(c, "--append")))
		return -1;
	if (!strcmp(c->prog, "truncate"))
		return any_path(c, p_sensitive);
	return write_target(c, p_sensitive);
}

static int m_mv_devnull(struct cmd *c)
{
	return write_target(c, p_nulldev);
}

static int m_in_place(struct cmd *c)
{
	return cmd_has_short(c, 'i') || cmd_has_long(c, "--in-place") ? 0 : -1;
}

/* mv's sources: everything but the destination. */
static int mv_source(struct cmd *c, bool (*pred)(const struct pinfo *pi, const struct sword *w))
{
	int i, dest = dest_operand(c);

	FOR_OPERANDS(c, i)
		if (i != dest && pred(safety_path(c, (size_t)i), &c->av[i]))
			return i;
	return -1;
}

static bool p_top(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->cls == PC_ROOT || pi->cls == PC_SYSTEM || pi->cls == PC_HOME;
}

static bool p_important(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->cls == PC_HOME_ITEM || pi->cls == PC_SYSTEM_FILE || pi->cls == PC_VCS ||
	       pi->cls == PC_DEVICE || pi->cls == PC_CWD || pi->cls == PC_PARENT || pi->sensitive;
}

static int m_mv_auth(struct cmd *c)
{
	return mv_source(c, p_auth);
}

static int m_mv_top(struct cmd *c)
{
	return mv_source(c, p_top);
}

static int m_mv_important(struct cmd *c)
{
	return mv_source(c, p_important);
}

static bool rsync_deletes(const struct cmd *c)
{
	return cmd_has_long(c, "--delete") || cmd_has_long(c, "--delete-before") ||
	       cmd_has_long(c, "--delete-after") || cmd_has_long(c, "--delete-during") ||
	       cmd_has_long(c, "--del") || cmd_has_long(c, "--delete-delay");
}

/* rsync --delete SRC/ DEST with DEST /, a system dir or a home: DEST
 * becomes a copy of SRC, and everything else in it is deleted. (SRC
 * without the slash goes to DEST/SRC, and only that is mirrored.) */
static int m_rsync_delete_top(struct cmd *c)
{
	int d, i;

	if (!rsync_deletes(c) || (d = dest_operand(c)) < 0 || !p_top(safety_path(c, (size_t)d), NULL))
		return -1;
	FOR_OPERANDS(c, i) {
		const char *s = c->av[i].s;
		size_t n = strlen(s);

		if (i != d && n && (s[n - 1] == '/' || (n >= 2 && !strcmp(s + n - 2, "/."))))
			return d;
	}
	return -1;
}

static int m_rsync_delete(struct cmd *c)
{
	int d;

	if (!rsync_deletes(c))
		return -1;
	d = dest_operand(c);
	return d >= 0 && (p_top(safety_path(c, (size_t)d), NULL) ||
			  safety_path(c, (size_t)d)->cls == PC_HOME_ITEM ||
			  safety_path(c, (size_t)d)->cls == PC_SYSTEM_FILE) ? d : -1;
}

/* rsync --remove-source-files from /, a home, a system dir or the cwd:
 * every file copied is deleted here, as mv of the whole tree would. */
static int m_rsync_move(struct cmd *c)
{
	int i, d;

	if (!cmd_has_long(c, "--remove-source-files"))
		return -1;
	d = dest_operand(c);
	FOR_OPERANDS(c, i) {
		enum pclass k = safety_path(c, (size_t)i)->cls;

		if (i != d && (k == PC_ROOT || k == PC_HOME || k == PC_SYSTEM || k == PC_CWD ||
			       k == PC_HOME_ITEM || k == PC_PARENT))
			return i;
	}
	return -1;
}

static int m_ln_system(struct cmd *c)
{
	return (cmd_has_short(c, 'f') || cmd_has_long(c, "--force")) ?
		       write_target(c, p_system_write) : -1;
}

/* ln -f over a history or start-up file replaces it (ln -sf /dev/null
 * ~/.bash_history). */
static int m_ln_history(struct cmd *c)
{
	return (cmd_has_short(c, 'f') || cmd_has_long(c, "--force")) ?
		       write_target(c, p_history) : -1;
}

static int m_ln_dotfile(struct cmd *c)
{
	return (cmd_has_short(c, 'f') || cmd_has_long(c, "--force")) ?
		       write_target(c, p_sensitive) : -1;
}

/* ---- permissions ------------------------------------------------------ */

/* chmod's mode operand (first operand unless --reference). */
static const char *chmod_mode(struct cmd *c)
{
	size_t i;

	if (cmd_has_long(c, "--reference"))
		return "";
	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		/* -w, -x are modes too, not options. */
		if (s[0] == '-' && !strchr("rwxXst", s[1]))
			continue;
		return s;
	}
	return "";
}

static bool mode_opens(const char *m)
{
	size_t n = strlen(m);

	if (n >= 3 && strspn(m, "01234567") == n) {
		int other = m[n - 1] - '0';

		return (other & 2) || !strcmp(m + n - 3, "000");
	}
	return strstr(m, "o+w") || strstr(m, "a+w") || strstr(m, "o=rwx") ||
	       strstr(m, "a=rwx") || !strcmp(m, "+w") || strstr(m, "ugo+w") ||
	       strstr(m, "a-rwx") || strstr(m, "a=") == m;
}

static bool mode_setuid(const char *m)
{
	size_t n = strlen(m);

	if (n == 4 && strspn(m, "01234567") == 4)
		return (m[0] - '0') & 6;
	return strstr(m, "+s") != NULL;
}

/* Operands after the mode (chmod) or owner (chown, chgrp). */
static int perm_target(struct cmd *c, bool (*pred)(const struct pinfo *pi, const struct sword *w))
{
	int i, k = 0;
	/* setfacl takes its ACL as an option's argument (-m SPEC, -x SPEC):
	 * every operand is a file. */
	bool acl = !strcmp(c->prog, "setfacl");
	bool skip_first = !acl && !cmd_has_long(c, "--reference");
	const char *mode = !strcmp(c->prog, "chmod") ? chmod_mode(c) : NULL;

	FOR_OPERANDS(c, i) {
		if (skip_first && k++ == 0)
			continue;
		if (mode && c->av[i].s == mode)
			continue;
		if (pred(safety_path(c, (size_t)i), &c->av[i]))
			return i;
	}
	/* chmod -w FILE: the mode looked like an option. */
	if (mode && mode[0] == '-' && k == 1) {
		FOR_OPERANDS(c, i)
			if (pred(safety_path(c, (size_t)i), &c->av[i]))
				return i;
	}
	return -1;
}

/* /usr/local and /opt themselves, or a dir of theirs the system lists
 * (/usr/local/bin): locally installed software, which a user may own
 * (sudo chown -R $(whoami) /usr/local is Homebrew's old advice). */
static bool is_local_tree(const struct sword *w)
{
	return !(w->flags & SW_DYNAMIC) &&
	       (str_startswith(w->s, "/usr/local") || str_startswith(w->s, "/opt")) &&
	       !strstr(w->s, "..");
}

static bool p_root_system(const struct pinfo *pi, const struct sword *w)
{
	return (pi->cls == PC_ROOT || pi->cls == PC_SYSTEM) && !is_local_tree(w);
}

static bool p_local_tree(const struct pinfo *pi, const struct sword *w)
{
	return pi->cls == PC_SYSTEM && is_local_tree(w);
}

static int m_perm_root(struct cmd *c)
{
	return recursive(c) ? perm_target(c, p_root_system) : -1;
}

static int m_perm_local(struct cmd *c)
{
	return recursive(c) ? perm_target(c, p_local_tree) : -1;
}

/* chmod u-s "/$X", or find / ... -exec chmod {}: files anywhere below /. */
static int m_perm_var_root(struct cmd *c)
{
	return perm_target(c, p_var_root);
}

static int m_perm_home(struct cmd *c)
{
	return recursive(c) ? perm_target(c, p_home) : -1;
}

/* Opening one file or dir to everyone: a system path, or keys and
 * start-up files (~/.ssh, ~/.bashrc) that others could then change. */
static bool p_open_target(const struct pinfo *pi, const struct sword *w)
{
	return p_system_write(pi, w) || p_sensitive(pi, w) || pi->cls == PC_HOME;
}

static int m_perm_open(struct cmd *c)
{
	if (strcmp(c->prog, "chmod") != 0 || !mode_opens(chmod_mode(c)))
		return -1;
	if (recursive(c))
		return perm_target(c, p_any);
	return perm_target(c, p_open_target);
}

static int m_perm_auth(struct cmd *c)
{
	return perm_target(c, p_auth);
}

static bool p_shell_binary(const struct pinfo *pi, const struct sword *w)
{
	const char *b = strrchr(w->s, '/');

	(void)pi;
	b = b ? b + 1 : w->s;
	return is_shell_name(b) || safety_is_interpreter(b) ||
	       safety_prog_in(b, "find vim vi nano less more env awk gawk tee dd cp mv sed "
				 "tar zip python* perl5* ruby* node*");
}

/* install -m MODE's mode, or NULL. */
static const char *install_mode(const struct cmd *c)
{
	struct optit it = OPTIT_INIT;
	struct opt o;

	while (opt_next(c, &it, &o))
		if (opt_is(&o, 'm', "mode") && o.val)
			return o.val;
	return NULL;
}

static int m_setuid_shell(struct cmd *c)
{
	const char *m;
	int i;

	if (!strcmp(c->prog, "install")) {
		/* install -m 4755 /bin/bash /tmp/sh: a setuid copy of a shell */
		if (!(m = install_mode(c)) || !mode_setuid(m))
			return -1;
		FOR_OPERANDS(c, i)
			if (p_shell_binary(NULL, &c->av[i]))
				return i;
		return -1;
	}
	if (!mode_setuid(chmod_mode(c)))
		return -1;
	if ((i = perm_target(c, p_shell_binary)) >= 0)
		return i;
	/* cp /bin/bash /tmp/x && chmod +s /tmp/x */
	FOR_OPERANDS(c, i)
		if (safety_shell_copy(c, (size_t)i))
			return i;
	return -1;
}

/* Setuid and writable by anyone (chmod 4777): whoever replaces the
 * file's contents runs them as its owner. */
static int m_setuid_open(struct cmd *c)
{
	const char *m = !strcmp(c->prog, "install") ? install_mode(c) : chmod_mode(c);

	/* mode_opens counts 000 too: a file no one may touch is no risk */
	return m && mode_setuid(m) && mode_opens(m) &&
	       !(strlen(m) >= 3 && !strcmp(m + strlen(m) - 3, "000")) ? 0 : -1;
}

static int m_setuid(struct cmd *c)
{
	const char *m = !strcmp(c->prog, "install") ? install_mode(c) : chmod_mode(c);

	return m && mode_setuid(m) ? 0 : -1;
}

/* ---- processes and power ---------------------------------------------- */

/* kill's pids: after an optional signal (-9, -KILL, -s SIG). */
static int kill_pid(struct cmd *c, const char *pid)
{
	size_t i = 1;

	if (i < c->ac && (!strcmp(c->av[i].s, "-s") || !strcmp(c->av[i].s, "-n")))
		i += 2;
	else if (i < c->ac && c->av[i].s[0] == '-' && strcmp(c->av[i].s, "--") != 0 &&
		 c->ac > 2)
		i++;
	for (; i < c->ac; i++) {
		if (!strcmp(c->av[i].s, "--"))
			continue;
		if (!strcmp(c->av[i].s, pid))
			return (int)i;
	}
	return -1;
}

static int m_kill_init(struct cmd *c)
{
	return kill_pid(c, "1");
}

static int m_kill_all(struct cmd *c)
{
	return kill_pid(c, "-1");
}

static int m_kill_critical(struct cmd *c)
{
	size_t i;

	for (i = 1; i < c->ac; i++)
		if (safety_prog_in(c->av[i].s, "sshd ssh systemd init launchd dbus-daemon "
					       "loginwindow WindowServer Xorg gdm sddm lightdm "
					       "kernel_task containerd dockerd kubelet systemd-journald "
					       "systemd-logind polkitd auditd"))
			return (int)i;
	return -1;
}

/* pkill PATTERN and killall -r PATTERN take an extended regex matched
 * anywhere in the name (pkill -f: the whole command line): these match
 * every process. */
static int m_kill_pattern_all(struct cmd *c)
{
	bool regex = !strcmp(c->prog, "pkill") || cmd_has_short(c, 'r') ||
		     cmd_has_long(c, "--regexp");
	int i;

	if (!regex)
		return -1;
	FOR_OPERANDS(c, i) {
		const char *s = c->av[i].s;

		if (safety_prog_in(s, ". .* .+ ^ $ ^.* .*$ ^.*$ ^.+ .+$ ^.+$ [^]* (.*) ()") ||
		    !s[0])
			return i;
	}
	return -1;
}

static int m_kill_user(struct cmd *c)
{
	/* Exact options: -HUP or -USR1 are signals, not -U. */
	return cmd_has_arg(c, "-u") || cmd_has_arg(c, "-U") || cmd_has_long(c, "--user") ||
	       cmd_has_long(c, "--uid") || cmd_has_long(c, "--euid") ? 0 : -1;
}

static int m_shutdown(struct cmd *c)
{
	if (!strcmp(c->prog, "shutdown") && cmd_has_short(c, 'c'))
		return -1;
	if (!strcmp(c->prog, "init") || !strcmp(c->prog, "telinit"))
		return c->ac > 1 && safety_prog_in(c->av[1].s, "0 6 1 s S single") ? 1 : -1;
	return 0;
}

/* ---- services, firewall, security ------------------------------------- */

/* A unit as systemctl or launchctl names it: a plist path
 * (/System/Library/LaunchDaemons/ssh.plist) or a domain target
 * (system/com.openssh.sshd) stands for its last component, without
 * ".plist". */
static bool unit_in(const char *s, const char *units)
{
	const char *slash = strrchr(s, '/');
	char name[64];
	size_t n;

	if (safety_prog_in(s, units))
		return true;
	if (slash)
		s = slash + 1;
	n = strlen(s);
	if (n > 6 && !strcmp(s + n - 6, ".plist"))
		n -= 6;
	if (!n || n >= sizeof(name))
		return false;
	memcpy(name, s, n);
	name[n] = '\0';
	return safety_prog_in(name, units);
}

static int service_verb(struct cmd *c, const char *verbs, const char *units)
{
	size_t i, v = 0;

	if (!strcmp(c->prog, "service")) {
		/* service NAME VERB */
		return c->ac >= 3 && safety_prog_in(c->av[2].s, verbs) &&
		       safety_prog_in(c->av[1].s, units) ? 1 : -1;
	}
	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (s[0] == '-')
			continue;
		if (!v) {
			if (!safety_prog_in(s, verbs))
				return -1;
			v = i;
			continue;
		}
		if (units[0] == '\0')
			return (int)v;
		if (unit_in(s, units))
			return (int)i;
	}
	return units[0] == '\0' && v ? (int)v : -1;
}

#define SSH_UNITS "ssh sshd ssh.service sshd.service ssh.socket sshd.socket openssh " \
	"openssh-server com.openssh.sshd"
#define FW_UNITS "firewalld firewalld.service ufw ufw.service iptables iptables.service " \
	"nftables nftables.service apparmor apparmor.service auditd auditd.service " \
	"fail2ban fail2ban.service"

static int m_ssh_stop(struct cmd *c)
{
	return service_verb(c, "stop disable mask kill unload bootout", SSH_UNITS);
}

static int m_fw_stop(struct cmd *c)
{
	return service_verb(c, "stop disable mask kill unload bootout", FW_UNITS);
}

static int m_power(struct cmd *c)
{
	return service_verb(c, "reboot poweroff halt kexec emergency rescue soft-reboot", "");
}

/* systemctl isolate to a target that stops (nearly) every service. */
static int m_power_isolate(struct cmd *c)
{
	return service_verb(c, "isolate", "rescue rescue.target emergency emergency.target "
				      "poweroff.target reboot.target halt.target kexec.target "
				      "runlevel0.target runlevel1.target runlevel6.target");
}

#define NET_UNITS "NetworkManager NetworkManager.service network network.service networking " \
	"networking.service systemd-networkd systemd-networkd.service systemd-networkd.socket " \
	"wpa_supplicant wpa_supplicant.service systemd-resolved systemd-resolved.service"

static int m_net_stop(struct cmd *c)
{
	return service_verb(c, "stop disable mask kill", NET_UNITS);
}

/* The units the system itself runs on: logins, the message bus, logging,
 * device events, the graphical session. */
#define CORE_UNITS "dbus dbus.service dbus.socket dbus-broker dbus-broker.service " \
	"systemd-journald systemd-journald.service systemd-journald.socket " \
	"systemd-logind systemd-logind.service systemd-udevd systemd-udevd.service " \
	"polkit polkit.service display-manager display-manager.service gdm gdm.service " \
	"gdm3 lightdm lightdm.service sddm sddm.service"

static int m_core_stop(struct cmd *c)
{
	return service_verb(c, "stop disable mask kill", CORE_UNITS);
}

/* Taking an interface, route table or all networking down: remote access
 * goes with it. */
static int m_net_down(struct cmd *c)
{
	size_t i;

	if (!strcmp(c->prog, "ifconfig") || !strcmp(c->prog, "ifdown")) {
		if (!strcmp(c->prog, "ifdown"))
			return c->ac > 1 ? 0 : -1;
		for (i = 2; i < c->ac; i++)
			if (!strcmp(c->av[i].s, "down"))
				return (int)i;
		return -1;
	}
	if (!strcmp(c->prog, "ip")) {
		/* ip link set DEV down; ip route|addr flush ... */
		for (i = 1; i < c->ac; i++) {
			if (!strcmp(c->av[i].s, "flush") && i >= 2 &&
			    safety_prog_in(c->av[i - 1].s, "route r ro rou addr a ad address"))
				return (int)i;
			if (!strcmp(c->av[i].s, "down") && cmd_has_arg(c, "set"))
				return (int)i;
		}
		return -1;
	}
	/* nmcli networking off, nmcli radio all|wifi off, nmcli device
	 * disconnect DEV, nmcli connection down ID */
	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (s[0] == '-')
			continue;
		if (safety_prog_in(s, "networking n net netw radio r"))
			return cmd_has_arg(c, "off") ? (int)i : -1;
		if (safety_prog_in(s, "device d dev connection c con conn"))
			return cmd_has_arg(c, "disconnect") || cmd_has_arg(c, "down") ? (int)i : -1;
		return -1;
	}
	return -1;
}

/* ifconfig and nmcli with a verb or a setting change something; the
 * bare forms list. */
static int m_net_config(struct cmd *c)
{
	size_t i;

	if (m_net_down(c) >= 0)
		return -1; /* said more precisely by network-down */
	if (!strcmp(c->prog, "ifconfig")) {
		for (i = 2; i < c->ac; i++)
			if (c->av[i].s[0] != '-' || c->av[i].s[1] != '\0')
				return safety_prog_in(c->av[i].s, "inet inet6 link ether") &&
					       i + 1 == c->ac ? -1 : (int)i;
		return -1;
	}
	for (i = 1; i < c->ac; i++)
		if (safety_prog_in(c->av[i].s, "up down on off add delete del modify mod edit "
					       "connect disconnect reload set clone import "
					       "reapply hostname"))
			return (int)i;
	return -1;
}

/* sysctl -w NAME=VALUE, or NAME=VALUE alone: a live kernel setting. */
/* Kernel settings people tune routinely: memory and cache behaviour,
 * file watch limits, socket buffers and queues. The rest (kernel.*, most
 * of net.*) touch security or stability. */
static bool sysctl_routine(const char *s)
{
	static const char *const keys[] = {
		"vm.swappiness", "vm.dirty_", "vm.vfs_cache_pressure", "vm.max_map_count",
		"vm.min_free_kbytes", "vm.drop_caches", "fs.inotify.", "fs.file-max",
		"net.core.somaxconn", "net.core.rmem_", "net.core.wmem_", "net.core.netdev_",
		"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem", "net.ipv4.tcp_fin_timeout",
		"net.ipv4.tcp_keepalive_", "net.ipv4.ip_local_port_range",
	};

	for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
		if (str_startswith(s, keys[k]))
			return true;
	return false;
}

static int m_sysctl_write(struct cmd *c)
{
	size_t i;

	for (i = 1; i < c->ac; i++)
		if (c->av[i].s[0] != '-' && strchr(c->av[i].s, '=') && !sysctl_routine(c->av[i].s))
			return (int)i;
	return -1;
}

static int m_firewall_flush(struct cmd *c)
{
	size_t i;

	if (cmd_has_short(c, 'F') || cmd_has_long(c, "--flush") || cmd_has_short(c, 'X') ||
	    cmd_has_long(c, "--delete-chain"))
		return 0;
	for (i = 1; i + 2 < c->ac; i++)
		if ((!strcmp(c->av[i].s, "-P") || !strcmp(c->av[i].s, "--policy")) &&
		    !strcmp(c->av[i + 2].s, "ACCEPT"))
			return (int)i;
	return -1;
}

/* ---- mounts ----------------------------------------------------------- */

/* / or a system dir other than those made to mount things on (/mnt,
 * /media, /Volumes, /run). */
static bool p_mount_system(const struct pinfo *pi, const struct sword *w)
{
	static const char *const mount_points[] = {"/mnt", "/media", "/Volumes", "/run"};

	if (pi->cls == PC_ROOT)
		return true;
	if (pi->cls != PC_SYSTEM)
		return false;
	for (size_t k = 0; k < ARRAY_SIZE(mount_points); k++) {
		size_t n = strlen(mount_points[k]);

		if (!strncmp(w->s, mount_points[k], n) && (!w->s[n] || w->s[n] == '/'))
			return false;
	}
	return true;
}

/* mount -o remount,ro / (the system can no longer write), or mount
 * something over / or a system dir (mount -t tmpfs none /etc hides it). */
static int m_mount_system(struct cmd *c)
{
	int i, last = -1, n = 0;
	bool remount = false, ro = false;
	size_t k;

	for (k = 1; k + 1 < c->ac; k++) {
		const char *o = c->av[k + 1].s;

		if (strcmp(c->av[k].s, "-o") && strcmp(c->av[k].s, "--options"))
			continue;
		remount |= strstr(o, "remount") != NULL;
		ro |= !strcmp(o, "ro") || !strncmp(o, "ro,", 3) || strstr(o, ",ro,") ||
		      (strlen(o) > 3 && !strcmp(o + strlen(o) - 3, ",ro"));
	}
	remount |= cmd_has_long(c, "--remount");
	ro |= cmd_has_short(c, 'r') || cmd_has_long(c, "--read-only");
	FOR_OPERANDS(c, i) {
		last = i;
		n++;
	}
	if (last < 0)
		return -1;
	if (remount)
		return ro && p_mount_system(safety_path(c, (size_t)last), &c->av[last]) ? last : -1;
	return n >= 2 && p_mount_system(safety_path(c, (size_t)last), &c->av[last]) ? last : -1;
}

static int m_umount_system(struct cmd *c)
{
	int i;

	FOR_OPERANDS(c, i)
		if (p_mount_system(safety_path(c, (size_t)i), &c->av[i]))
			return i;
	return -1;
}

static int m_mount_any(struct cmd *c)
{
	int i;

	FOR_OPERANDS(c, i)
		return i;
	return cmd_has_short(c, 'a') || cmd_has_long(c, "--all") ? 0 : -1;
}

/* -P INPUT DROP (or OUTPUT): every connection not let in by a rule is
 * dropped, the ssh session running the command among them. */
static int m_firewall_drop_all(struct cmd *c)
{
	size_t i;
	int chain = -1;
	bool drop = false;

	for (i = 1; i + 2 < c->ac; i++)
		if ((!strcmp(c->av[i].s, "-P") || !strcmp(c->av[i].s, "--policy")) &&
		    safety_prog_in(c->av[i + 1].s, "INPUT OUTPUT") &&
		    safety_prog_in(c->av[i + 2].s, "DROP REJECT"))
			return (int)i;
	/* -A INPUT -j DROP with no match (-p, -s, --dport, -m, -i...):
	 * a rule that drops everything, as the policy would. */
	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (safety_prog_in(s, "-A --append -I --insert") && i + 1 < c->ac &&
		    safety_prog_in(c->av[i + 1].s, "INPUT OUTPUT")) {
			chain = (int)i;
			i++;
			if (i + 1 < c->ac && isdigit((unsigned char)c->av[i + 1].s[0]))
				i++; /* -I INPUT 1 */
		} else if (safety_prog_in(s, "-j --jump") && i + 1 < c->ac) {
			drop = safety_prog_in(c->av[i + 1].s, "DROP REJECT");
			i++;
		} else if (safety_prog_in(s, "-t --table -w --wait")) {
			i += strcmp(s, "-w") && strcmp(s, "--wait");
		} else if (s[0] == '-') {
			return -1; /* a match: only some traffic */
		}
	}
	return chain >= 0 && drop ? chain : -1;
}

static int m_firewall_panic(struct cmd *c)
{
	return cmd_has_long(c, "--panic-on") ? 0 : -1;
}

static int m_nft_flush(struct cmd *c)
{
	size_t i;

	for (i = 1; i + 1 < c->ac; i++)
		if (safety_prog_in(c->av[i].s, "flush delete") &&
		    safety_prog_in(c->av[i + 1].s, "ruleset table chain"))
			return (int)i;
	return -1;
}

static int m_ufw_disable(struct cmd *c)
{
	size_t i = subcmd(c);

	return sub_is(c, i, "disable reset") ? (int)i : -1;
}

static int m_pf_disable(struct cmd *c)
{
	return cmd_has_short(c, 'd') || cmd_has_short(c, 'F') ? 0 : -1;
}

static int m_setenforce(struct cmd *c)
{
	return c->ac > 1 && safety_prog_in(c->av[1].s, "0 Permissive permissive") ? 1 : -1;
}

static int m_spctl_off(struct cmd *c)
{
	return cmd_has_long(c, "--master-disable") || cmd_has_long(c, "--global-disable") ||
	       cmd_has_long(c, "--disable") ? 0 : -1;
}

static int m_csrutil_off(struct cmd *c)
{
	size_t i = subcmd(c);

	return sub_is(c, i, "disable clear") ? (int)i : -1;
}

static int m_history_clear(struct cmd *c)
{
	return cmd_has_short(c, 'c') ? 0 : -1;
}

/* set +o history: the shell stops recording commands. */
static int m_set_nohistory(struct cmd *c)
{
	size_t i;

	for (i = 1; i + 1 < c->ac; i++)
		if (!strcmp(c->av[i].s, "+o") && !strcmp(c->av[i + 1].s, "history"))
			return (int)i;
	return -1;
}

/* crontab -r, or a new crontab that is empty: crontab /dev/null,
 * echo "" | crontab -. */
static int m_crontab_remove(struct cmd *c)
{
	int i;

	if (cmd_has_short(c, 'r'))
		return 0;
	FOR_OPERANDS(c, i) {
		const char *s = c->av[i].s;

		if (!strcmp(s, "/dev/null"))
			return i;
		if (!strcmp(s, "-") && c->in && c->in->kind == IN_TEXT &&
		    c->in->text[strspn(c->in->text, " \t\n")] == '\0')
			return i;
	}
	return -1;
}

/* ---- git -------------------------------------------------------------- */

static size_t git_sub(const struct cmd *c)
{
	return subcmd(c);
}

static bool git_force(const struct cmd *c, size_t from)
{
	size_t i;

	for (i = from + 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (!strcmp(s, "-f") || !strcmp(s, "--force") || !strncmp(s, "--force-with-lease", 18) ||
		    !strcmp(s, "--mirror") || (s[0] == '-' && s[1] != '-' && strchr(s, 'f')) ||
		    (s[0] == '+' && s[1]))
			return true;
	}
	return false;
}

static bool is_main_branch(const char *s)
{
	const char *colon = strrchr(s, ':');

	if (colon)
		s = colon + 1;
	if (*s == '+')
		s++;
	if (!strncmp(s, "refs/heads/", 11))
		s += 11;
	return safety_prog_in(s, "main master trunk production prod release");
}

static int m_git_force_main(struct cmd *c)
{
	size_t i = git_sub(c), k;

	if (!sub_is(c, i, "push") || !git_force(c, i))
		return -1;
	for (k = i + 1; k < c->ac; k++)
		if (c->av[k].s[0] != '-' && is_main_branch(c->av[k].s) && k > i + 1)
			return (int)k;
	return -1;
}

static int m_git_force_push(struct cmd *c)
{
	size_t i = git_sub(c);

	return sub_is(c, i, "push") && git_force(c, i) ? (int)i : -1;
}

static int m_git_push_delete(struct cmd *c)
{
	size_t i = git_sub(c), k;

	if (!sub_is(c, i, "push"))
		return -1;
	for (k = i + 1; k < c->ac; k++) {
		const char *s = c->av[k].s;

		if (!strcmp(s, "--delete") || !strcmp(s, "-d") || (s[0] == ':' && s[1]) ||
		    !strcmp(s, "--prune"))
			return (int)k;
	}
	return -1;
}

static int m_git_reset_hard(struct cmd *c)
{
	size_t i = git_sub(c);

	return sub_is(c, i, "reset") && (cmd_has_arg(c, "--hard") || cmd_has_arg(c, "--merge") ||
					 cmd_has_arg(c, "--keep")) ? (int)i : -1;
}

/* git clean PATH...: only below paths that are narrower than the
 * current directory. */
static bool clean_scoped(struct cmd *c, size_t sub)
{
	size_t k;
	bool any = false;

	for (k = sub + 1; k < c->ac; k++) {
		const char *s = c->av[k].s;
		const struct pinfo *pi;

		if (s[0] == '-') {
			if (!strcmp(s, "-e") || !strcmp(s, "--exclude"))
				k++;
			continue;
		}
		pi = safety_path(c, k);
		if (p_wide(pi, NULL) || pi->cls == PC_VCS || pi->cls == PC_UNKNOWN ||
		    pi->cls == PC_VAR_ROOT)
			return false;
		any = true;
	}
	return any;
}

static int m_git_clean(struct cmd *c)
{
	size_t i = git_sub(c);

	if (!sub_is(c, i, "clean") || cmd_has_short(c, 'n') || cmd_has_long(c, "--dry-run"))
		return -1;
	if (clean_scoped(c, i))
		return -1;
	return (cmd_has_short(c, 'f') || cmd_has_long(c, "--force")) &&
	       (cmd_has_short(c, 'd') || cmd_has_short(c, 'x') || cmd_has_short(c, 'X')) ? (int)i : -1;
}

static int m_git_rewrite(struct cmd *c)
{
	size_t i = git_sub(c);

	return sub_is(c, i, "filter-branch filter-repo") ? (int)i : -1;
}

static int m_git_branch_main(struct cmd *c)
{
	size_t i = git_sub(c), k;

	if (!sub_is(c, i, "branch") || !(cmd_has_short(c, 'D') || cmd_has_short(c, 'd') ||
					 cmd_has_long(c, "--delete")))
		return -1;
	for (k = i + 1; k < c->ac; k++)
		if (c->av[k].s[0] != '-' && is_main_branch(c->av[k].s))
			return (int)k;
	return cmd_has_short(c, 'D') && cmd_has_short(c, 'r') ? (int)i : -1;
}

static int m_git_discard_all(struct cmd *c)
{
	size_t i = git_sub(c), k;

	if (sub_is(c, i, "checkout restore switch")) {
		/* checkout -f, switch --discard-changes: local edits go. */
		if (!sub_is(c, i, "restore") &&
		    (cmd_has_short(c, 'f') || cmd_has_long(c, "--force") ||
		     cmd_has_long(c, "--discard-changes")))
			return (int)i;
		/* restore --staged alone only unstages. */
		if (sub_is(c, i, "switch") ||
		    (sub_is(c, i, "restore") && (cmd_has_short(c, 'S') || cmd_has_long(c, "--staged")) &&
		     !cmd_has_short(c, 'W') && !cmd_has_long(c, "--worktree")))
			return -1;
		for (k = i + 1; k < c->ac; k++)
			if (!strcmp(c->av[k].s, ".") || !strcmp(c->av[k].s, ":/") ||
			    !strcmp(c->av[k].s, "*"))
				return (int)k;
		return -1;
	}
	if (sub_is(c, i, "stash") && i + 1 < c->ac && !strcmp(c->av[i + 1].s, "clear"))
		return (int)i;
	if (sub_is(c, i, "reflog") && i + 1 < c->ac && !strcmp(c->av[i + 1].s, "expire") &&
	    (cmd_has_long(c, "--expire") || cmd_has_arg(c, "--all")))
		return (int)i;
	if (sub_is(c, i, "gc") && cmd_has_long(c, "--prune") && cmd_has_arg(c, "--prune=now"))
		return (int)i;
	if (sub_is(c, i, "update-ref") && cmd_has_short(c, 'd'))
		return (int)i;
	return -1;
}

/* ---- containers and clusters ------------------------------------------ */

static size_t docker_sub(const struct cmd *c, size_t *sub2)
{
	size_t i = subcmd(c);

	*sub2 = 0;
	if (i && i + 1 < c->ac && safety_prog_in(c->av[i].s, "system volume image container "
							     "network builder compose buildx"))
		*sub2 = i + 1;
	return i;
}

static int m_docker_prune_all(struct cmd *c)
{
	size_t s2, i = docker_sub(c, &s2);

	/* docker-compose down -v, the older spelling of docker compose. */
	if (!strcmp(c->prog, "docker-compose"))
		return sub_is(c, i, "down") && (cmd_has_short(c, 'v') || cmd_has_long(c, "--volumes"))
			       ? (int)i : -1;

	if (sub_is(c, i, "system") && sub_is(c, s2, "prune") &&
	    (cmd_has_short(c, 'a') || cmd_has_long(c, "--all") || cmd_has_long(c, "--volumes")))
		return (int)i;
	if (sub_is(c, i, "volume") && sub_is(c, s2, "prune rm remove"))
		return (int)i;
	if (sub_is(c, i, "compose") && sub_is(c, s2, "down") &&
	    (cmd_has_short(c, 'v') || cmd_has_long(c, "--volumes")))
		return (int)i;
	return -1;
}

static int m_docker_rm_all(struct cmd *c)
{
	size_t s2, i = docker_sub(c, &s2), k;

	if (sub_is(c, i, "container"))
		i = s2;
	if (!sub_is(c, i, "rm rmi kill") || !(cmd_has_short(c, 'f') || cmd_has_long(c, "--force") ||
					     !strcmp(c->av[i].s, "kill")))
		return -1;
	for (k = i + 1; k < c->ac; k++)
		if (c->av[k].flags & SW_CMDSUB)
			return (int)k;
	return -1;
}

static int m_docker_host_root(struct cmd *c)
{
	size_t s2, i = docker_sub(c, &s2), k;

	if (sub_is(c, i, "container"))
		i = s2;
	if (!sub_is(c, i, "run create exec"))
		return -1;
	for (k = i + 1; k < c->ac; k++) {
		const char *s = c->av[k].s, *v = NULL;

		if (!strcmp(s, "--privileged") || !strcmp(s, "--pid=host") ||
		    !strncmp(s, "--cap-add=ALL", 13) || !strcmp(s, "--cap-add=SYS_ADMIN"))
			return (int)k;
		if ((!strcmp(s, "-v") || !strcmp(s, "--volume") || !strcmp(s, "--mount")) && k + 1 < c->ac)
			v = c->av[k + 1].s;
		else if (!strncmp(s, "--volume=", 9))
			v = s + 9;
		else if (!strncmp(s, "-v", 2) && s[2])
			v = s + 2;
		if (v) {
			struct pinfo pi;
			char host[256];
			const char *colon = strchr(v, ':');

			if (!strncmp(v, "type=bind", 9)) {
				const char *src = strstr(v, "source=");

				if (!src)
					src = strstr(v, "src=");
				if (!src)
					continue;
				src = strchr(src, '=') + 1;
				colon = strchr(src, ',');
				v = src;
			}
			snprintf(host, sizeof(host), "%.*s", colon ? (int)(colon - v) : (int)strlen(v), v);
			safety_classify_cmd(c, host, host[0] == '~', &pi);
			if (pi.cls == PC_ROOT || pi.cls == PC_SYSTEM || strstr(host, "docker.sock") ||
			    pi.auth || pi.cls == PC_DEVICE)
				return (int)k;
		}
	}
	return -1;
}

static size_t kube_sub(const struct cmd *c)
{
	return subcmd(c);
}

static int m_kube_delete_ns(struct cmd *c)
{
	size_t i = kube_sub(c), k;

	if (!sub_is(c, i, "delete"))
		return -1;
	for (k = i + 1; k < c->ac; k++)
		if (safety_prog_in(c->av[k].s, "ns namespace namespaces ns/* namespace/* "
					       "namespaces/* pv persistentvolume persistentvolumes "
					       "pvc pvc/* persistentvolumeclaim persistentvolumeclaims "
					       "crd crds customresourcedefinition "
					       "customresourcedefinitions node nodes"))
			return (int)k;
	return -1;
}

static int m_kube_delete_all(struct cmd *c)
{
	size_t i = kube_sub(c);

	if (!sub_is(c, i, "delete"))
		return -1;
	return cmd_has_long(c, "--all") || cmd_has_long(c, "--all-namespaces") ||
	       cmd_has_short(c, 'A') ? (int)i : -1;
}

/* kubectl scale --all --replicas=0 (or -A): every workload of a kind
 * stopped at once, an outage. */
static int m_kube_scale_zero(struct cmd *c)
{
	size_t i = kube_sub(c);

	if (!sub_is(c, i, "scale") || !(cmd_has_long(c, "--all") || cmd_has_short(c, 'A') ||
					cmd_has_long(c, "--all-namespaces")))
		return -1;
	return cmd_has_arg(c, "--replicas=0") ||
	       (cmd_has_arg(c, "--replicas") && cmd_has_arg(c, "0")) ? (int)i : -1;
}

static int m_infra_destroy(struct cmd *c)
{
	size_t i = subcmd(c);

	if (sub_is(c, i, "destroy"))
		return (int)i;
	if (!sub_is(c, i, "apply"))
		return -1;
	/* apply -replace=ADDR destroys ADDR (a database, a disk) and makes
	 * a new, empty one. */
	for (size_t k = i + 1; k < c->ac; k++)
		if (!strcmp(c->av[k].s, "-destroy") || str_startswith(c->av[k].s, "-replace") ||
		    str_startswith(c->av[k].s, "--replace"))
			return (int)k;
	return -1;
}

/* Words of cloud CLI commands that open a resource to everyone or hand
 * out full control: a bucket ACL for anyone, IAM bindings for allUsers,
 * an ingress rule for all traffic from anywhere, an owner or
 * administrator role. */
static const char *const cloud_expose_words[] = {
	"public-read-write", "allUsers", "allAuthenticatedUsers", "AdministratorAccess",
	"roles/owner", "roles/editor", "Owner", "Contributor", "User Access Administrator",
	"--member=allUsers", "--member=allAuthenticatedUsers", "--role=roles/owner",
	"--role=roles/editor", "--role=Owner",
};

static int m_cloud_expose(struct cmd *c)
{
	bool all_traffic = false, anywhere = false;

	for (size_t i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		for (size_t k = 0; k < ARRAY_SIZE(cloud_expose_words); k++)
			if (!strcmp(s, cloud_expose_words[k]) ||
			    (str_startswith(s, "arn:") && strstr(s, "/AdministratorAccess")) ||
			    str_startswith(s, "allUsers:") || str_startswith(s, "allAuthenticatedUsers:"))
				return (int)i;
		anywhere |= !strcmp(s, "0.0.0.0/0") || !strcmp(s, "::/0") ||
			    !strcmp(s, "--cidr=0.0.0.0/0") || !strcmp(s, "--source-ranges=0.0.0.0/0");
		/* --protocol -1 (aws), --allow=all / --rules=all (gcloud),
		 * every port */
		all_traffic |= (i > 1 && !strcmp(c->av[i - 1].s, "--protocol") &&
				(!strcmp(s, "-1") || !strcmp(s, "all"))) ||
			       !strcmp(s, "--protocol=-1") || !strcmp(s, "--allow=all") ||
			       !strcmp(s, "--rules=all") || !strcmp(s, "0-65535");
	}
	return anywhere && all_traffic ? 0 : -1;
}

static int m_cloud_delete(struct cmd *c)
{
	size_t i;

	/* rclone purge|delete|rmdirs PATH deletes what is below it (one
	 * file: deletefile). rclone sync, like aws s3 sync --delete and
	 * rsync --delete, is the usual way to publish a folder: moderate. */
	if (!strcmp(c->prog, "rclone")) {
		i = subcmd(c);
		return sub_is(c, i, "purge delete rmdirs") ? (int)i : -1;
	}
	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (s[0] == '-')
			continue;
		if (!strcmp(c->prog, "aws") && (!strcmp(s, "rb") ||
						(!strcmp(s, "rm") && cmd_has_long(c, "--recursive"))))
			return (int)i;
		/* gsutil rm -r / rb, gcloud storage rm --recursive. */
		if ((!strcmp(c->prog, "gsutil") || !strcmp(c->prog, "gcloud")) &&
		    (!strcmp(s, "rb") || (!strcmp(s, "rm") && (cmd_has_short(c, 'r') ||
		     cmd_has_short(c, 'R') || cmd_has_long(c, "--recursive")))))
			return (int)i;
		if (str_icontains(s, "delete") || str_icontains(s, "deletion") ||
		    str_icontains(s, "terminate") ||
		    str_icontains(s, "destroy") || !strcmp(s, "purge"))
			return (int)i;
	}
	return -1;
}

/* Subcommands of application and platform tools that wipe data or whole
 * environments: one row per form. A pattern's words must appear in
 * order among the operands, its options anywhere. python's row is for
 * Django's manage.py (python manage.py flush). */
static const struct {
	const char *progs;
	const char *pattern;
} wipe_forms[] = {
	{"rails rake", "db:drop"}, {"rails rake", "db:reset"}, {"rails rake", "db:purge"},
	{"rails rake", "db:schema:load"}, {"rails rake", "db:migrate:reset"},
	{"manage.py", "flush"}, {"manage.py", "reset_db"},
	{"prisma", "migrate reset"}, {"prisma", "db push --force-reset"},
	{"supabase", "db reset"},
	{"etcdctl", "del --prefix"}, {"etcdctl", "del --from-key"},
	{"consul", "kv delete -recurse"},
	{"zfs", "rollback -r"}, {"zfs", "rollback -R"},
	{"timeshift", "--delete-all"}, {"tmutil", "delete"},
	{"docker podman", "system reset"}, {"docker podman", "swarm leave --force"},
	/* libvirt's machines are often servers; minikube, kind and vagrant
	 * machines are local and made again from their definitions. */
	{"virsh", "undefine --remove-all-storage"}, {"virsh", "vol-delete"},
	{"npm pnpm yarn", "unpublish"},
	{"git", "stash drop"}, {"git", "stash clear"},
	{"vercel", "remove"}, {"netlify", "sites:delete"}, {"firebase", "firestore:delete"},
	{"firebase", "database:remove"},
	/* data stores and platforms: a bucket, a topic, a secrets engine
	 * or a keychain with what it holds; a node's cluster state; a mesh
	 * or every backup */
	{"influx", "bucket delete"}, {"kafka-topics kafka-topics.sh", "--delete"},
	{"vault", "secrets disable"}, {"vault", "kv destroy"}, {"vault", "kv metadata delete"},
	{"security", "delete-keychain"}, {"kubeadm", "reset"},
	{"istioctl", "uninstall --purge"}, {"velero", "delete --all"},
	/* PostgreSQL: a whole cluster; a restore that drops what is there
	 * first */
	{"pg_dropcluster", ""}, {"pg_restore", "--clean"}, {"pg_restore", "-c"},
	{"heroku", "pg:reset"},
};
#define WIPE_PROGS "rails rake python python3 prisma supabase etcdctl consul zfs timeshift " \
	"tmutil docker podman virsh npm pnpm yarn git " \
	"vercel netlify firebase influx kafka-topics kafka-topics.sh vault security kubeadm " \
	"istioctl velero pg_dropcluster pg_restore heroku"

/* Does c hold pattern: its plain words in order among the operands
 * (from av[from]), its options anywhere? */
static bool has_form(const struct cmd *c, size_t from, const char *pattern)
{
	size_t i = from;

	while (*pattern) {
		size_t n = strcspn(pattern, " ");
		char w[48];

		if (n >= sizeof(w))
			return false;
		memcpy(w, pattern, n);
		w[n] = '\0';
		pattern += n + (pattern[n] == ' ');
		if (w[0] == '-') {
			if (!cmd_has_arg(c, w))
				return false;
			continue;
		}
		while (i < c->ac && strcmp(c->av[i].s, w))
			i++;
		if (i++ >= c->ac)
			return false;
	}
	return true;
}

static int m_wipe_form(struct cmd *c)
{
	const char *prog = c->prog;
	size_t from = 1, k;

	if (!strncmp(prog, "python", 6)) {
		const char *b = c->ac > 1 ? strrchr(c->av[1].s, '/') : NULL;

		if (c->ac < 2 || strcmp(b ? b + 1 : c->av[1].s, "manage.py"))
			return -1;
		prog = "manage.py";
		from = 2;
	}
	for (k = 0; k < ARRAY_SIZE(wipe_forms); k++)
		if (safety_prog_in(prog, wipe_forms[k].progs) && has_form(c, from, wipe_forms[k].pattern))
			return 0;
	return -1;
}

/* ---- data stores ------------------------------------------------------ */

/*
 * SQL given to a database client (psql -c, mysql -e, sqlite3 DB SQL, a
 * here-document on stdin) is split into statements at the semicolons
 * outside quotes and comments, and each is judged by its first keywords:
 * reads (SELECT, SHOW, EXPLAIN, DESCRIBE, psql's \d, sqlite's .tables)
 * change nothing; DROP DATABASE|SCHEMA|TABLE, TRUNCATE, and DELETE or
 * UPDATE without WHERE destroy data; anything else changes something.
 * psql's \! and sqlite's .shell run their text as shell code.
 */
enum { SQL_READ, SQL_WRITE, SQL_DESTROY };

struct sqlscan {
	const char *p, *end;
};

/* Past the quoted string, quoted identifier, dollar-quoted body or
 * comment that starts at p; p itself when none does. */
static const char *sql_skip(const char *p, const char *e)
{
	if (*p == '-' && p + 1 < e && p[1] == '-') {
		while (p < e && *p != '\n')
			p++;
		return p;
	}
	if (*p == '/' && p + 1 < e && p[1] == '*') {
		for (p += 2; p + 1 < e && !(p[0] == '*' && p[1] == '/'); p++)
			;
		return p + 2 <= e ? p + 2 : e;
	}
	if (*p == '\'' || *p == '"' || *p == '`') {
		char qc = *p;

		for (p++; p < e && *p != qc; p++)
			if (*p == '\\' && qc != '"' && p + 1 < e)
				p++;
		return p < e ? p + 1 : e;
	}
	if (*p == '$' && p + 1 < e && (p[1] == '$' || isalpha((unsigned char)p[1]))) {
		/* $$ ... $$ or $tag$ ... $tag$ */
		const char *t = p + 1, *close;
		size_t tl;

		while (t < e && (isalnum((unsigned char)*t) || *t == '_'))
			t++;
		if (t >= e || *t != '$')
			return p;
		tl = (size_t)(t - p + 1);
		for (close = t + 1; close + tl <= e && memcmp(close, p, tl); close++)
			;
		return close + tl <= e ? close + tl : e;
	}
	return p;
}

/* The next bare word of a statement (an identifier or a keyword), past
 * blanks, comments, quoted strings and quoted identifiers; its length,
 * or 0 at the end. Other punctuation is skipped, but a '(' or ')' is a
 * word of its own. */
static size_t sql_word(struct sqlscan *q, const char **w)
{
	const char *p = q->p, *e = q->end;

	while (p < e) {
		const char *past = sql_skip(p, e);

		if (past != p) {
			p = past;
			continue;
		}
		if (isalpha((unsigned char)*p) || *p == '_' || *p == '(' || *p == ')') {
			*w = p;
			if (*p == '(' || *p == ')')
				p++;
			else
				while (p < e && (isalnum((unsigned char)*p) || *p == '_' || *p == '$'))
					p++;
			q->p = p;
			return (size_t)(p - *w);
		}
		p++;
	}
	q->p = e;
	return 0;
}

static bool word_is(const char *w, size_t n, const char *list)
{
	char buf[32];
	size_t k;

	if (!n || n >= sizeof(buf))
		return false;
	for (k = 0; k < n; k++)
		buf[k] = (char)toupper((unsigned char)w[k]);
	buf[n] = '\0';
	return safety_prog_in(buf, list);
}

/* Is one of the words in list among the statement's words from q on? */
static bool sql_has(struct sqlscan q, const char *list)
{
	const char *w;
	size_t n;

	while ((n = sql_word(&q, &w)) > 0)
		if (word_is(w, n, list))
			return true;
	return false;
}

/* Functions a SELECT may call that change something or run code. */
#define SQL_EFFECT_FUNCS "PG_TERMINATE_BACKEND PG_CANCEL_BACKEND PG_DROP_REPLICATION_SLOT " \
	"PG_RELOAD_CONF PG_ROTATE_LOGFILE PG_SWITCH_WAL PG_PROMOTE LO_UNLINK LO_IMPORT " \
	"LO_EXPORT PG_FILE_WRITE SET_CONFIG SETVAL NEXTVAL DBLINK_EXEC LOAD_EXTENSION " \
	"WRITEFILE EDIT SYS_EXEC SYS_EVAL PG_WRITE_FILE"

/* One statement of c's SQL, from its first keywords. Shell commands it
 * runs (COPY ... PROGRAM 'cmd', the mysql client's system cmd) are checked
 * as code when check, blaming argument blame. */
static int sql_statement(struct cmd *c, struct sqlscan q, bool check, int blame)
{
	const char *w;
	size_t n = sql_word(&q, &w);

	if (!n)
		return SQL_READ;
	if (word_is(w, n, "COPY")) {
		struct sqlscan r = q;

		while ((n = sql_word(&r, &w)) > 0) {
			const char *p = r.p, *e;

			if (!word_is(w, n, "PROGRAM"))
				continue;
			while (p < r.end && isspace((unsigned char)*p))
				p++;
			if (check && p < r.end && *p == '\'' &&
			    (e = memchr(p + 1, '\'', (size_t)(r.end - p - 1))) != NULL)
				safety_check_code(c, p + 1, (size_t)(e - p - 1), (size_t)blame, c->env);
		}
		return SQL_WRITE;
	}
	if (word_is(w, n, "SYSTEM") && safety_prog_in(c->prog, "mysql mariadb")) {
		if (check && q.p < q.end)
			safety_check_code(c, q.p, (size_t)(q.end - q.p), (size_t)blame, c->env);
		return SQL_WRITE;
	}
	if (word_is(w, n, "SELECT VALUES TABLE WITH"))
		return sql_has(q, "INTO INSERT UPDATE DELETE DROP TRUNCATE ALTER CREATE MERGE "
			       SQL_EFFECT_FUNCS) ? SQL_WRITE : SQL_READ;
	if (word_is(w, n, "SHOW DESCRIBE DESC HELP USE BEGIN START COMMIT END ROLLBACK "
		    "SAVEPOINT RELEASE LISTEN UNLISTEN FETCH CHECK CHECKSUM LIST"))
		return SQL_READ;
	if (word_is(w, n, "SET"))
		return sql_has(q, "GLOBAL PERSIST PASSWORD") ? SQL_WRITE : SQL_READ;
	if (word_is(w, n, "PRAGMA"))
		return memchr(q.p, '=', (size_t)(q.end - q.p)) ? SQL_WRITE : SQL_READ;
	if (word_is(w, n, "EXPLAIN")) {
		/* EXPLAIN ANALYZE runs the statement; plain EXPLAIN only
		 * plans it. */
		struct sqlscan rest = q;
		bool analyze = false;

		while ((n = sql_word(&rest, &w)) > 0 &&
		       (word_is(w, n, "ANALYZE ANALYSE VERBOSE QUERY PLAN EXTENDED FORMAT ( ) "
			       "COSTS BUFFERS TIMING SUMMARY SETTINGS WAL TRUE FALSE ON OFF TEXT "
			       "JSON YAML XML TREE")))
			analyze |= word_is(w, n, "ANALYZE ANALYSE");
		if (!analyze || !n)
			return SQL_READ;
		rest.p = w;
		return sql_statement(c, rest, check, blame);
	}
	if (word_is(w, n, "TRUNCATE"))
		return SQL_DESTROY;
	if (word_is(w, n, "DROP")) {
		while ((n = sql_word(&q, &w)) > 0 && word_is(w, n, "TEMPORARY TEMP"))
			;
		return word_is(w, n, "DATABASE SCHEMA TABLE KEYSPACE OWNED COLUMNFAMILY") ?
			       SQL_DESTROY : SQL_WRITE;
	}
	if (word_is(w, n, "DELETE UPDATE"))
		return sql_has(q, "WHERE") ? SQL_WRITE : SQL_DESTROY;
	if (word_is(w, n, "ALTER")) {
		/* ALTER TABLE t DROP [COLUMN] c loses the column's data;
		 * dropping a constraint or an index loses none. */
		while ((n = sql_word(&q, &w)) > 0) {
			if (!word_is(w, n, "DROP"))
				continue;
			n = sql_word(&q, &w);
			if (n && !word_is(w, n, "CONSTRAINT INDEX KEY DEFAULT NOT PRIMARY FOREIGN "
					  "CHECK TRIGGER IDENTITY EXPRESSION ROLE USER"))
				return SQL_DESTROY;
		}
		return SQL_WRITE;
	}
	return SQL_WRITE;
}

/* A client's meta-command (psql's \d, sqlite's .tables), one line: read,
 * or write; \! and .shell run shell code, checked when check. */
static int sql_meta(struct cmd *c, const char *p, const char *e, bool check, int blame)
{
	char name[16];
	size_t n = 0;

	for (p++; p < e && n + 1 < sizeof(name) && !isspace((unsigned char)*p); p++)
		name[n++] = *p;
	name[n] = '\0';
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (!strcmp(name, "!") || !strcmp(name, "shell") || !strcmp(name, "system")) {
		if (check && p < e)
			safety_check_code(c, p, (size_t)(e - p), (size_t)blame, c->env);
		return SQL_WRITE;
	}
	/* \o FILE, .output FILE, .once FILE write a file; alone, stdout. */
	if (safety_prog_in(name, "o out output once"))
		return p < e ? SQL_WRITE : SQL_READ;
	return safety_prog_in(name, "d d* l l+ list dt dt+ di dv dn df du dg dp db dx dy dT dD "
			      "x timing conninfo q quit ? h help echo pset a t encoding c connect "
			      "tables schema fullschema headers header mode exit dump indexes "
			      "indices databases show width timer stats dbinfo print nullvalue "
			      "separator eqp explain changes bail lint sha3sum z") ? SQL_READ :
											 SQL_WRITE;
}

/* The worst a text of SQL does; *blame keeps the first destroying
 * statement's argument. */
static int sql_text(struct cmd *c, const char *s, size_t len, bool check, int blame)
{
	const char *p = s, *e = s + len, *st = s;
	int worst = SQL_READ;

	while (st < e) {
		struct sqlscan q;
		int v;

		while (st < e && isspace((unsigned char)*st))
			st++;
		if (st >= e)
			break;
		if (*st == '\\' || *st == '.') {
			/* A meta-command ends at the line's end. */
			p = memchr(st, '\n', (size_t)(e - st));
			if (!p)
				p = e;
			v = sql_meta(c, st, p, check, blame);
		} else {
			/* Up to a ; outside quotes and comments. */
			q.p = st;
			for (p = st; p < e && *p != ';';) {
				const char *past = sql_skip(p, e);

				p = past != p ? past : p + 1;
			}
			q.end = p;
			v = sql_statement(c, q, check, blame);
		}
		if (v > worst)
			worst = v;
		st = p + (p < e);
	}
	return worst;
}
/* What a database client's SQL does, from every place it takes some: its
 * query options, sqlite3's and duckdb's operands after the database, and
 * static stdin. *seen is false when some SQL comes from where it cannot
 * be read (a file, a pipe); *any when there was some. */
struct sqlv {
	int worst;
	int blame;       /* the argument with the worst statement */
	bool unseen, any;
};

static void sql_add(struct cmd *c, struct sqlv *r, const char *s, size_t len, bool check, int i)
{
	int v = sql_text(c, s, len, check, i);

	r->any = true;
	if (r->blame < 0 || v > r->worst)
		r->blame = i;
	if (v > r->worst)
		r->worst = v;
}

static void sql_verdict(struct cmd *c, bool check, struct sqlv *r)
{
	bool lite = safety_prog_in(c->prog, "sqlite3 duckdb");
	struct optit it = OPTIT_INIT;
	struct opt o;
	int i, k = 0;

	r->worst = SQL_READ;
	r->blame = -1;
	r->unseen = r->any = false;
	while (opt_next(c, &it, &o)) {
		if (!o.val)
			continue;
		if (opt_is(&o, 0, "command") || opt_is(&o, 0, "execute") || opt_is(&o, 0, "query") ||
		    opt_is(&o, 0, "cmd") || (o.letter && strchr(!strcmp(c->prog, "psql") ? "c" :
						!strcmp(c->prog, "clickhouse-client") ? "q" :
						!strcmp(c->prog, "sqlcmd") ? "Qq" : "e", o.letter)) ||
		    (lite && opt_is(&o, 0, "c")))
			sql_add(c, r, o.val, strlen(o.val), check, (int)o.val_i);
		else if (opt_is(&o, 0, "file") || (o.letter && strchr(!strcmp(c->prog, "sqlcmd") ?
								       "i" : "f", o.letter)))
			r->unseen = true;
	}
	if (lite)
		FOR_OPERANDS(c, i)
			if (k++ > 0)
				sql_add(c, r, c->av[i].s, c->av[i].len, check, i);
	if (c->in && c->in->kind == IN_TEXT && c->in->text)
		sql_add(c, r, c->in->text, c->in->text_len, check, 0);
	else if (c->in && c->in->kind != IN_NONE)
		r->unseen = true;
}

static int m_sql_destroy(struct cmd *c)
{
	struct sqlv r;

	sql_verdict(c, true, &r);
	return r.worst == SQL_DESTROY ? r.blame : -1;
}

static int m_sql_any(struct cmd *c)
{
	struct sqlv r;

	sql_verdict(c, false, &r);
	return r.blame > 0 ? r.blame : 0;
}

/* A client that only reads: every statement it is given reads, or it
 * is given none and waits for the user's (an interactive session). */
static bool ro_sql(struct cmd *c)
{
	struct sqlv r;

	sql_verdict(c, false, &r);
	return r.worst == SQL_READ && !r.unseen;
}

static int m_redis_flush(struct cmd *c)
{
	size_t i;

	for (i = 1; i < c->ac; i++)
		if (str_ieq(c->av[i].s, "flushall") || str_ieq(c->av[i].s, "flushdb"))
			return (int)i;
	/* Commands fed on stdin: echo FLUSHALL | redis-cli */
	if (c->in && c->in->kind == IN_TEXT &&
	    (str_icontains(c->in->text, "flushall") || str_icontains(c->in->text, "flushdb")))
		return 0;
	return -1;
}

static int m_mysqladmin_drop(struct cmd *c)
{
	int i;

	FOR_OPERANDS(c, i)
		return !strcmp(c->av[i].s, "drop") ? i : -1;
	return -1;
}

static int m_mongo_drop(struct cmd *c)
{
	size_t i;

	/* deleteMany({}) and remove({}) empty a collection. */
	for (i = 1; i < c->ac; i++)
		if (strstr(c->av[i].s, "dropDatabase") || strstr(c->av[i].s, ".drop()") ||
		    strstr(c->av[i].s, "deleteMany({})") || strstr(c->av[i].s, "remove({})"))
			return (int)i;
	return -1;
}

/* ---- packages and users ----------------------------------------------- */

static const char *const essential_pkgs[] = {
	"libc6", "libc-bin", "glibc", "glibc-common", "systemd", "systemd-sysv", "init",
	"bash", "dash", "coreutils", "sudo", "apt", "dpkg", "rpm", "yum", "dnf", "pacman",
	"base", "linux-image-*", "linux-generic", "linux", "linux-lts", "linux-zen",
	"linux-hardened", "kernel", "kernel-core", "kernel-default", "grub*",
	"util-linux", "login", "passwd", "shadow-utils", "python3", "perl-base", "libpam*",
	"libsystemd0", "udev", "kmod", "mount", "e2fsprogs", "zlib1g", "libstdc++6",
	"busybox", "musl", "apk-tools", "alpine-base", "filesystem", "procps", "base-files",
	"base-passwd", "debianutils", "bsdutils", "findutils", "grep", "sed", "tar", "gzip",
	"ncurses-base", "sysvinit-utils", "libselinux1", "setup",
};

/* Packages whose removal cuts off remote access to the machine. */
static const char *const lockout_pkgs[] = {
	"openssh-server", "openssh", "openssh-sshd", "ssh", "network-manager", "NetworkManager",
	"netplan.io", "ifupdown", "systemd-networkd",
};

static bool pkg_removing(const struct cmd *c, size_t *verb)
{
	size_t i = subcmd(c);

	*verb = i;
	if (safety_prog_in(c->prog, "apt apt-get aptitude"))
		return sub_is(c, i, "remove purge autoremove");
	if (safety_prog_in(c->prog, "dnf yum microdnf tdnf"))
		return sub_is(c, i, "remove erase autoremove");
	if (!strcmp(c->prog, "zypper"))
		return sub_is(c, i, "remove rm");
	if (!strcmp(c->prog, "apk"))
		return sub_is(c, i, "del");
	if (safety_prog_in(c->prog, "snap brew port pkg"))
		return sub_is(c, i, "remove uninstall rm delete");
	if (!strcmp(c->prog, "pacman")) {
		*verb = 0;
		return cmd_has_short(c, 'R') || cmd_has_long(c, "--remove");
	}
	if (!strcmp(c->prog, "dpkg")) {
		*verb = 0;
		return cmd_has_short(c, 'r') || cmd_has_short(c, 'P') || cmd_has_long(c, "--remove") ||
		       cmd_has_long(c, "--purge");
	}
	if (!strcmp(c->prog, "rpm")) {
		*verb = 0;
		return cmd_has_short(c, 'e') || cmd_has_long(c, "--erase");
	}
	return false;
}

/* The package operand of a removal that is in list (count names), or -1. */
static int pkg_named(struct cmd *c, size_t verb, const char *const *list, size_t count)
{
	size_t i, k;

	for (i = verb + 1; i < c->ac; i++) {
		const char *s = c->av[i].s;
		char name[64];
		size_t n = strcspn(s, ":=<>");

		if (s[0] == '-' || n >= sizeof(name))
			continue;
		memcpy(name, s, n);
		name[n] = '\0';
		for (k = 0; k < count; k++)
			if (safety_prog_in(name, list[k]))
				return (int)i;
	}
	return -1;
}

static int m_pkg_essential(struct cmd *c)
{
	size_t verb;

	if (!pkg_removing(c, &verb))
		return -1;
	if (cmd_has_long(c, "--allow-remove-essential") || cmd_has_long(c, "--force-remove-essential"))
		return 0;
	return pkg_named(c, verb, essential_pkgs, ARRAY_SIZE(essential_pkgs));
}

static int m_pkg_lockout(struct cmd *c)
{
	size_t verb;

	return pkg_removing(c, &verb) ? pkg_named(c, verb, lockout_pkgs, ARRAY_SIZE(lockout_pkgs)) :
					-1;
}

static int m_pkg_force(struct cmd *c)
{
	size_t verb;

	if (!pkg_removing(c, &verb))
		return -1;
	return cmd_has_long(c, "--nodeps") || cmd_has_long(c, "--force-all") ||
	       cmd_has_long(c, "--force-depends") || cmd_has_long(c, "--ignore-dependencies") ||
	       (cmd_has_short(c, 'd') && !strcmp(c->prog, "pacman"))
		       ? 0 : -1;
}

static int m_userdel_home(struct cmd *c)
{
	return cmd_has_short(c, 'r') || cmd_has_long(c, "--remove") ||
	       cmd_has_long(c, "--remove-home") || cmd_has_long(c, "--remove-all-files") ? 0 : -1;
}

static int m_passwd_delete(struct cmd *c)
{
	size_t i;

	if (!strcmp(c->prog, "passwd"))
		return cmd_has_short(c, 'd') || cmd_has_long(c, "--delete") ? 0 : -1;
	for (i = 1; i + 1 < c->ac; i++)
		if (!strcmp(c->av[i].s, "-p") && c->av[i + 1].s[0] == '\0')
			return (int)i;
	return -1;
}

/* A change to the root account itself (its password, shell, expiry or
 * lock: passwd root, usermod -s /sbin/nologin root, chage -E 0 root), a
 * second account with uid 0 (useradd -o -u 0), or root's password set
 * from static text (echo root:x | chpasswd). */
static int m_root_account(struct cmd *c)
{
	struct optit it = OPTIT_INIT;
	struct opt o;
	int i;

	if (!strcmp(c->prog, "chpasswd")) {
		const char *t = c->in && c->in->kind == IN_TEXT ? c->in->text : NULL;

		return t && (str_startswith(t, "root:") || strstr(t, "\nroot:")) ? 0 : -1;
	}
	while (opt_next(c, &it, &o))
		if (opt_is(&o, 'u', "uid") && o.val && !strcmp(o.val, "0"))
			return (int)o.i;
	/* chage -l root and passwd -S root only read. */
	if (cmd_has_short(c, 'l') && !strcmp(c->prog, "chage"))
		return -1;
	if (!strcmp(c->prog, "passwd") && (cmd_has_short(c, 'S') || cmd_has_long(c, "--status")))
		return -1;
	FOR_OPERANDS(c, i)
		if (!strcmp(c->av[i].s, "root"))
			return i;
	return -1;
}

/* macOS and BSD user tools: dscl . -delete /Users/X, sysadminctl
 * -deleteUser X, pw userdel X delete an account; dscl . -passwd
 * /Users/root sets root's password. Returns the blamed index. */
static int m_account_delete(struct cmd *c)
{
	if (!strcmp(c->prog, "dscl"))
		return cmd_has_arg(c, "-delete") && c->ac > 3 &&
			       str_startswith(c->av[3].s, "/Users/") ? 3 : -1;
	if (!strcmp(c->prog, "sysadminctl"))
		return cmd_has_arg(c, "-deleteUser") ? 0 : -1;
	return c->ac > 1 && !strcmp(c->av[1].s, "userdel") ? 1 : -1; /* pw */
}

static int m_dscl_root(struct cmd *c)
{
	return (cmd_has_arg(c, "-passwd") || cmd_has_arg(c, "-create") ||
		cmd_has_arg(c, "-change")) && cmd_has_arg(c, "/Users/root") ? 0 : -1;
}

#define ADMIN_GROUPS "sudo wheel admin root adm docker lxd libvirt disk"

/* Is one of the comma-separated names in csv in the space-separated list? */
static bool list_has_any(const char *csv, const char *list)
{
	char name[64];

	while (*csv) {
		size_t n = strcspn(csv, ",");

		if (n && n < sizeof(name)) {
			memcpy(name, csv, n);
			name[n] = '\0';
			if (safety_prog_in(name, list))
				return true;
		}
		csv += n;
		if (*csv == ',')
			csv++;
	}
	return false;
}

/* usermod -aG sudo bob, gpasswd -a bob wheel, adduser bob sudo: membership
 * of a group that is root in all but name (docker, lxd and disk too). */
static int m_grant_admin(struct cmd *c)
{
	size_t i;

	if (!strcmp(c->prog, "usermod")) {
		for (i = 1; i + 1 < c->ac; i++) {
			const char *s = c->av[i].s;

			if ((!strcmp(s, "-G") || !strcmp(s, "-aG") || !strcmp(s, "-Ga") ||
			     !strcmp(s, "--groups")) && list_has_any(c->av[i + 1].s, ADMIN_GROUPS))
				return (int)i + 1;
		}
		return -1;
	}
	/* gpasswd -a USER GROUP, adduser USER GROUP, addgroup USER GROUP:
	 * the group comes last. */
	if (c->ac >= 3 && safety_prog_in(c->av[c->ac - 1].s, ADMIN_GROUPS) &&
	    (strcmp(c->prog, "gpasswd") || cmd_has_short(c, 'a') || cmd_has_short(c, 'M')))
		return (int)c->ac - 1;
	return -1;
}

/* setcap giving a program a capability that amounts to root. */
static int m_setcap_root(struct cmd *c)
{
	static const char *const caps[] = {"cap_setuid", "cap_setgid", "cap_sys_admin",
					   "cap_dac_override", "cap_dac_read_search", "cap_sys_ptrace",
					   "cap_sys_module", "cap_chown", "cap_fowner", "all="};
	size_t i, k;

	for (i = 1; i < c->ac; i++)
		for (k = 0; k < ARRAY_SIZE(caps); k++)
			if (str_icontains(c->av[i].s, caps[k]) || !strcmp(c->av[i].s, "=ep"))
				return (int)i;
	return -1;
}

/* zpool destroy, zfs destroy: the verb is the first word. */
static int m_destroy_verb(struct cmd *c)
{
	return c->ac > 1 && !strcmp(c->av[1].s, "destroy") ? 1 : -1;
}

/* btrfs subvolume delete PATH: the subvolume and every file in it. */
static int m_subvolume_delete(struct cmd *c)
{
	size_t i = subcmd(c);

	return sub_is(c, i, "subvolume sub su") && i + 1 < c->ac &&
	       sub_is(c, i + 1, "delete del de") ? (int)i + 1 : -1;
}

/* ---- interpreters, network -------------------------------------------- */

/* The inline code of python -c, perl -e, node -e, ruby -e, php -r, or
 * awk's program; NULL if none. */
static const struct sword *inline_code(const struct cmd *c)
{
	size_t i;

	if (safety_prog_in(c->prog, "awk gawk mawk nawk busybox")) {
		for (i = 1; i < c->ac; i++) {
			const char *s = c->av[i].s;

			if (!strcmp(s, "-f") || !strcmp(s, "--file"))
				return NULL;
			if (s[0] == '-' && s[1]) {
				if (strchr("Fvf", s[1]) && !s[2])
					i++;
				continue;
			}
			return &c->av[i];
		}
		return NULL;
	}
	for (i = 1; i + 1 < c->ac; i++) {
		const char *s = c->av[i].s;

		/* deno eval CODE, bun eval CODE */
		if (i == 1 && !strcmp(s, "eval") && safety_prog_in(c->prog, "deno bun"))
			return &c->av[i + 1];
		if (s[0] != '-')
			return NULL;
		/* Options whose value is attached or next: perl -MFile::Path,
		 * -I dir; ruby -r lib; python -m module, -W arg. */
		if (s[1] && s[1] != '-' &&
		    strchr(!strcmp(c->prog, "perl") ? "MmI" : !strcmp(c->prog, "ruby") ? "rI" :
			   str_startswith(c->prog, "py") ? "mWX" : "", s[1])) {
			if (!s[2])
				i++;
			continue;
		}
		if (!strcmp(s, "-c") || !strcmp(s, "-e") || !strcmp(s, "-E") || !strcmp(s, "-r") ||
		    !strcmp(s, "--eval") || !strcmp(s, "-p") || !strcmp(s, "--print") ||
		    (s[1] != '-' && strchr("ceE", s[strlen(s) - 1])))
			return &c->av[i + 1];
	}
	return NULL;
}

static int code_index(const struct cmd *c, const struct sword *w)
{
	return w ? (int)(w - c->av) : -1;
}

static int m_code_fork_bomb(struct cmd *c)
{
	const struct sword *w = inline_code(c);
	const char *s, *f;
	int forks = 0;

	if (!w)
		return -1;
	s = w->s;
	for (f = strstr(s, "fork"); f; f = strstr(f + 4, "fork"))
		forks++;
	if (!forks)
		return -1;
	if (forks >= 2 || strstr(s, "while") || strstr(s, "for(;;)") || strstr(s, "for (;;)") ||
	    strstr(s, "loop") || strstr(s, "until") || strstr(s, "redo"))
		return code_index(c, w);
	return -1;
}

static int m_code_reverse_shell(struct cmd *c)
{
	const struct sword *w = inline_code(c);
	const char *s;

	if (!w)
		return -1;
	s = w->s;
	if (!(strstr(s, "socket") || strstr(s, "fsockopen") || strstr(s, "TCPSocket") ||
	      strstr(s, "net.connect") || strstr(s, "Socket") || strstr(s, "/inet/tcp")))
		return -1;
	return strstr(s, "dup2") || strstr(s, "pty") || strstr(s, "spawn") || strstr(s, "subprocess") ||
	       strstr(s, "exec") || strstr(s, "/bin/sh") || strstr(s, "/bin/bash") ||
	       strstr(s, "popen") || strstr(s, "system") || strstr(s, "cmd.exe") ||
	       strstr(s, "|&") ? code_index(c, w) : -1;
}

/* Shell commands embedded in code: system("..."), `...`, expect's spawn
 * (code.c). Each is checked as shell; returns -1 always: the nested
 * check adds the reasons. */
static int m_code_shell(struct cmd *c)
{
	safety_code_commands(c, inline_code(c), true);
	return -1;
}

/* Is there a lookup of $HOME at e (before end): os.environ['HOME'],
 * os.getenv("HOME"), ENV["HOME"], $ENV{HOME}, process.env.HOME? */
static bool env_home_at(const char *e, const char *end)
{
	static const char *const lookups[] = {
		"environ[", "environ.get(", "getenv(", "ENV[", "ENV.fetch(", "ENV{", "ENVIRON[",
		"process.env.",
	};

	for (size_t k = 0; k < ARRAY_SIZE(lookups); k++) {
		size_t n = strlen(lookups[k]);
		const char *h = e + n;

		if (h + 4 > end || strncmp(e, lookups[k], n))
			continue;
		if (*h == '"' || *h == '\'')
			h++;
		return h + 4 <= end && !strncmp(h, "HOME", 4) && !isalnum((unsigned char)h[4]) &&
		       h[4] != '_';
	}
	return false;
}

/* The first path a call in code names: the first quoted string in its
 * first argument, so wrapping calls count (os.path.expanduser("~"),
 * Path("/etc"), path.resolve("/")); a home-dir call (os.homedir(),
 * Path.home(), Dir.home) names ~. *rest is set to the end of the
 * argument. False if the argument names no literal path. */
static bool code_call_path(const char *q, char *path, size_t cap, const char **rest)
{
	const char *e, *end;
	int depth = 0;

	while (*q == ' ' || *q == '(')
		q++;
	/* The argument ends at a ',' or an unmatched ')' outside quotes. */
	for (end = q; *end && !(depth == 0 && (*end == ',' || *end == ')' || *end == ';'));
	     end++) {
		if (*end == '(' || *end == '[' || *end == '{')
			depth++;
		else if (*end == ')' || *end == ']' || *end == '}')
			depth--;
		else if ((*end == '"' || *end == '\'') && (e = strchr(end + 1, *end)))
			end = e;
	}
	for (e = q; e < end; e++)
		if (!strncmp(e, "homedir()", 9) || !strncmp(e, "Path.home()", 11) ||
		    !strncmp(e, "Dir.home", 8) || env_home_at(e, end)) {
			snprintf(path, cap, "~");
			*rest = end;
			return true;
		}
	/* Only wrapping calls before the literal (a.b(c("/x"))): in
	 * base + "/" the literal is not the path. */
	for (e = q; e < end && (isalnum((unsigned char)*e) || strchr("_.( ", *e)); e++)
		;
	if (e >= end || (*e != '"' && *e != '\'') || !(q = strchr(e + 1, *e)) || q > end ||
	    (size_t)(q - e) >= cap)
		return false;
	snprintf(path, cap, "%.*s", (int)(q - e - 1), e + 1);
	*rest = end;
	return true;
}

/* Does a call of one of calls (NULL-terminated) in the inline code name a
 * path pred accepts? For "open", only when a mode that writes follows
 * (open("/etc/hosts", "w")). Returns the code's av index, or -1. */
static int code_calls_path(struct cmd *c, const char *const *calls,
			   bool (*pred)(const struct pinfo *pi, const struct sword *w))
{
	const struct sword *w = inline_code(c);

	if (!w)
		return -1;
	for (; *calls; calls++) {
		const char *s, *rest;

		for (s = strstr(w->s, *calls); s; s = strstr(s + 1, *calls)) {
			char path[512];
			struct pinfo pi;

			/* a whole name: not "os.removedirs" for "remove" */
			if (isalnum((unsigned char)s[strlen(*calls)]) || s[strlen(*calls)] == '_' ||
			    (s > w->s && (isalnum((unsigned char)s[-1]) || s[-1] == '_')))
				continue;
			if (!code_call_path(s + strlen(*calls), path, sizeof(path), &rest))
				continue;
			if (!strcmp(*calls, "open")) {
				while (*rest == ' ' || *rest == ',')
					rest++;
				if ((*rest != '"' && *rest != '\'') || !strpbrk(rest + 1, "wax+") ||
				    strpbrk(rest + 1, "wax+") > strchr(rest + 1, *rest))
					continue;
			}
			safety_classify_cmd(c, path, path[0] == '~', &pi);
			if (pred(&pi, NULL))
				return code_index(c, w);
		}
	}
	return -1;
}

static const char *const code_delete_calls[] = {
	"rmtree", "remove_tree", "rm_rf", "rm_r", "rmSync", "rmdirSync", "remove_dir_all", "unlink",
	"unlinkSync",
	"rmdir", "remove", "removeSync", "File.delete", "deleteSync", "removedirs", NULL};

static bool p_code_delete_wide(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return pi->cls == PC_ROOT || pi->cls == PC_HOME || pi->cls == PC_SYSTEM;
}

/* Deletions in code: shutil.rmtree("/"), FileUtils.rm_rf("~"),
 * fs.rmSync("/etc"), unlink glob "/x", shutil.rmtree(Path.home()); a walk
 * of / or a home in code that deletes (os.walk("/") ... os.remove). */
static int m_code_delete(struct cmd *c)
{
	const struct sword *w = inline_code(c);
	const char *const walk[] = {"walk", "glob", "rglob", NULL};

	if (!w)
		return -1;
	if (code_calls_path(c, code_delete_calls, p_code_delete_wide) >= 0)
		return code_index(c, w);
	/* A walk deletes nothing on its own: only with a delete call. */
	for (const char *const *k = code_delete_calls; *k; k++)
		if (strstr(w->s, *k))
			return code_calls_path(c, walk, p_code_delete_wide);
	return -1;
}

static bool p_code_system(const struct pinfo *pi, const struct sword *w)
{
	(void)w;
	return (p_system_write(pi, w) || pi->auth || pi->login_keys) && pi->cls != PC_DEVICE;
}

/* Code that deletes or writes a system file, or the files that control
 * logins: os.remove("/etc/passwd"), open("/etc/hosts", "w"). */
static int m_code_system_file(struct cmd *c)
{
	static const char *const writes[] = {"open", "write_text", "write_bytes",
					      "writeFileSync", "appendFileSync", "File.write",
					      "IO.write", "file_put_contents", NULL};
	int i = code_calls_path(c, code_delete_calls, p_code_system);

	return i >= 0 ? i : code_calls_path(c, writes, p_code_system);
}

/* make --eval TEXT, make -f - <<EOF: the makefile's recipes. */
static int m_make_code(struct cmd *c)
{
	struct sword text;
	size_t i;

	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (str_startswith(s, "--eval="))
			text = c->av[i], text.s += 7, text.len -= 7;
		else if ((!strcmp(s, "--eval") || !strcmp(s, "-E")) && i + 1 < c->ac)
			text = c->av[++i];
		else if ((!strcmp(s, "-f") || !strcmp(s, "--file") || !strcmp(s, "--makefile")) &&
			 i + 1 < c->ac && safety_prog_in(c->av[i + 1].s, "- /dev/stdin") && c->in &&
			 c->in->kind == IN_TEXT && c->in->text) {
			memset(&text, 0, sizeof(text));
			text.s = c->in->text;
			text.len = c->in->text_len;
			i++;
		} else
			continue;
		safety_code_commands(c, &text, true);
	}
	return -1;
}

static int m_inline_code(struct cmd *c)
{
	return code_index(c, inline_code(c));
}

/* awk's system(), pipes and getline run commands: those not known
 * statically, text not known piped into a shell, and writes to files
 * make the program more than a filter. Known commands are checked (and
 * rated) on their own by m_code_shell. */
static int m_awk_exec(struct cmd *c)
{
	const struct sword *w = inline_code(c);

	return safety_code_commands(c, w, false) & (CODE_DYNAMIC | CODE_WRITES | CODE_SHELL) ?
		       code_index(c, w) : -1;
}

/* Skip a sed regex or replacement up to the delimiter d; after it. */
static const char *sed_skip_delim(const char *p, char d)
{
	for (; *p && *p != d; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p + 1 : p;
}

/* Skip one sed address: a line number (with ~step), $, /re/ or \cREc
 * (with I/M), or +N/~N after a comma. */
static const char *sed_skip_addr(const char *p)
{
	if (*p == '/')
		p = sed_skip_delim(p + 1, '/');
	else if (*p == '\\' && p[1])
		p = sed_skip_delim(p + 2, p[1]);
	else if (*p == '$')
		p++;
	else
		while (isdigit((unsigned char)*p) || *p == '~' || *p == '+')
			p++;
	while (*p == 'I' || *p == 'M')
		p++;
	return p;
}

/*
 * Walk one sed script: every command after its address, so that "1e CMD",
 * "/x/e CMD", "$w FILE" and "s/a/b/e" are all seen, not only a script
 * that starts with them. The text of "e CMD" is shell code, checked as
 * such (blaming argument i). Returns whether the script runs anything or
 * writes a file (e, w, W, or the e and w flags of s).
 */
static bool sed_script(struct cmd *c, const char *p, size_t i)
{
	bool runs = false;

	for (;;) {
		char cmd;

		p += strspn(p, " \t\n;{}");
		if (!*p)
			return runs;
		p = sed_skip_addr(p);
		if (*p == ',')
			p = sed_skip_addr(p + 1);
		p += strspn(p, " \t!");
		cmd = *p ? *p++ : 0;
		switch (cmd) {
		case 'e': {
			size_t n;

			p += strspn(p, " \t");
			n = strcspn(p, "\n");
			/* a bare e runs the pattern space: unknown text */
			if (n)
				safety_check_code(c, p, n, i, c->env);
			runs = true;
			p += n;
			break;
		}
		case 'w':
		case 'W':
			runs = true;
			/* fallthrough: the rest of the line is a file name */
		case 'r':
		case 'R':
		case 'a':
		case 'i':
		case 'c':
			while (*p && *p != '\n')
				p += *p == '\\' && p[1] ? 2 : 1;
			break;
		case 's':
		case 'y':
			if (!*p)
				return runs;
			{
				const char d = *p;

				p = sed_skip_delim(sed_skip_delim(p + 1, d), d);
			}
			if (cmd == 'y')
				break;
			/* flags: g p N i I m M e, or w FILE to the end of the line */
			for (; *p && !strchr(";}\n", *p); p++) {
				if (*p == 'e')
					runs = true;
				if (*p == 'w') {
					runs = true;
					p += strcspn(p, "\n");
					break;
				}
			}
			break;
		case ':':
		case 'b':
		case 't':
		case 'T':
			p += strcspn(p, ";\n");
			break;
		case 0:
			return runs;
		default:
			/* one letter (p d n q...), with a number for q/Q/l/L */
			while (isdigit((unsigned char)*p))
				p++;
			break;
		}
	}
}

/* sed's scripts: each -e/--expression value, or else the first operand. */
static int m_sed_exec(struct cmd *c)
{
	int hit = -1;
	bool any_e = false;
	size_t i;

	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (!strcmp(s, "--"))
			break;
		if ((!strcmp(s, "-e") || !strcmp(s, "--expression")) && i + 1 < c->ac) {
			any_e = true;
			i++;
			if (!(c->av[i].flags & SW_DYNAMIC) && sed_script(c, c->av[i].s, i) && hit < 0)
				hit = (int)i;
		} else if (!strncmp(s, "--expression=", 13)) {
			any_e = true;
			if (sed_script(c, s + 13, i) && hit < 0)
				hit = (int)i;
		} else if ((!strcmp(s, "-f") || !strcmp(s, "-l")) && i + 1 < c->ac) {
			any_e |= s[1] == 'f'; /* a script file: its text is unknown */
			i++;
		}
	}
	if (any_e)
		return hit;
	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (s[0] == '-' && s[1] && strcmp(s, "--") != 0)
			continue;
		if (!strcmp(s, "--") && ++i >= c->ac)
			break;
		if (c->av[i].flags & SW_DYNAMIC)
			return -1;
		return sed_script(c, c->av[i].s, i) ? (int)i : -1;
	}
	return -1;
}

static int m_nc_exec(struct cmd *c)
{
	size_t i;

	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (!strcmp(s, "-e") || !strcmp(s, "-c") || !strncmp(s, "--exec", 6) ||
		    !strncmp(s, "--sh-exec", 9) || !strncmp(s, "--lua-exec", 10) ||
		    (s[0] == '-' && s[1] != '-' && (strchr(s, 'e') || strchr(s, 'c')) &&
		     strcmp(c->prog, "openssl") != 0))
			return (int)i;
	}
	return -1;
}

static int m_socat_exec(struct cmd *c)
{
	size_t i;

	for (i = 1; i < c->ac; i++)
		if (str_icontains(c->av[i].s, "exec:") || str_icontains(c->av[i].s, "system:"))
			return (int)i;
	return -1;
}

/* curl or wget writing a file (curl -o F, -O, wget without -O -) or
 * sending data (curl -d, -F, -T, a method other than GET or HEAD). */
static int m_download_file(struct cmd *c)
{
	struct optit it = OPTIT_INIT;
	struct opt o;
	bool wget = !strcmp(c->prog, "wget");
	int out = wget ? 0 : -1;

	while (opt_next(c, &it, &o)) {
		if (wget) {
			if (opt_is(&o, 0, "spider"))
				return -1;
			if (opt_is(&o, 'O', "output-document"))
				out = o.val && safety_prog_in(o.val, "- /dev/null /dev/stdout") ? -1 :
									     (int)o.i;
			continue;
		}
		if (opt_is(&o, 'X', "request")) {
			if (o.val && !str_ieq(o.val, "GET") && !str_ieq(o.val, "HEAD") &&
			    !str_ieq(o.val, "OPTIONS"))
				return (int)o.i;
		} else if (opt_is(&o, 'o', "output") || opt_is(&o, 'D', "dump-header")) {
			if (!o.val || !safety_prog_in(o.val, "- /dev/null /dev/stdout /dev/stderr"))
				return (int)o.i;
		} else if (opt_is(&o, 'O', "remote-name") || opt_is(&o, 'T', "upload-file") ||
			   opt_is(&o, 'd', "data") || opt_is(&o, 'F', "form") ||
			   opt_is(&o, 0, "remote-name-all") || opt_is(&o, 0, "data-binary") ||
			   opt_is(&o, 0, "data-raw") || opt_is(&o, 0, "data-urlencode") ||
			   opt_is(&o, 0, "data-ascii") || opt_is(&o, 0, "json") ||
			   opt_is(&o, 0, "form-string") || opt_is(&o, 0, "output-dir")) {
			return (int)o.i;
		}
	}
	return out;
}

/* A file whose contents are secrets: keys, credentials, the password
 * database, shell history. */
static bool secret_path(struct cmd *c, const char *path, bool home)
{
	struct pinfo pi;

	if (!*path || strchr(path, SW_UNKNOWN_CH))
		return false;
	safety_classify_cmd(c, path, home, &pi);
	return (pi.sensitive && !pi.startup) || pi.auth || pi.history || pi.login_keys;
}

/* Sending a secret file to another host: curl -d @FILE, -F f=@FILE,
 * -T FILE, wget --post-file=FILE, scp or rsync of it to HOST:PATH. */
static int m_exfil(struct cmd *c)
{
	if (!strcmp(c->prog, "curl") || !strcmp(c->prog, "wget")) {
		struct optit it = OPTIT_INIT;
		struct opt o;

		while (opt_next(c, &it, &o)) {
			/* -T and the post-file options name the file; the others
			 * read one after @ (or <, for -F). */
			bool names = opt_is(&o, 'T', "upload-file") || opt_is(&o, 0, "post-file") ||
				     opt_is(&o, 0, "body-file");
			bool reads_at = c->prog[0] == 'c' &&
					(opt_is(&o, 'd', "data") || opt_is(&o, 'F', "form") ||
					 opt_is(&o, 0, "data-binary") || opt_is(&o, 0, "data-urlencode") ||
					 opt_is(&o, 0, "json"));
			const char *val = o.val;
			bool home;

			if (!val || !(names || reads_at))
				continue;
			home = o.val_i != o.i && (c->av[o.val_i].flags & SW_HOME);
			if (!names) {
				const char *at = strpbrk(val, "@<");

				if (!at)
					continue;
				val = at + 1;
				home = false;
			}
			if (secret_path(c, val, home || val[0] == '~'))
				return (int)o.val_i;
		}
		return -1;
	}
	/* scp/rsync: a secret operand with a HOST: operand. */
	{
		int remote = -1, secret = -1, k;

		FOR_OPERANDS(c, k) {
			const char *s = c->av[k].s, *colon = strchr(s, ':');

			if (colon && colon > s && !memchr(s, '/', (size_t)(colon - s)))
				remote = k;
			else if (secret < 0 && secret_path(c, s, (c->av[k].flags & SW_HOME) != 0))
				secret = k;
		}
		return remote >= 0 && secret >= 0 ? secret : -1;
	}
}

/* ---- the table -------------------------------------------------------- */

#define SQL_CLIENTS "psql mysql mariadb sqlite3 clickhouse-client cqlsh sqlcmd duckdb"

/* shred and srm destroy what they name as surely as rm, -u or not;
 * rimraf is rm -rf. */
#define RM "rm unlink shred srm rimraf"
#define WRITERS "tee sponge cp mv install rsync truncate sed perl"
#define FS_REPAIR_PROGS "fsck e2fsck fsck.ext2 fsck.ext3 fsck.ext4 fsck.xfs fsck.vfat fsck.fat " \
	"fsck.btrfs dosfsck xfs_repair resize2fs tune2fs ntfsfix"

const struct rule safety_rules[] = {
	/* deleting files */
	{"rm-root", RM, m_rm_root, RISK_CRITICAL, "deletes everything under /", 0},
	{"rm-root-files", RM, m_rm_root_files, RISK_HIGH, "deletes files at the top of /", 0},
	{"rm-home", RM, m_rm_home, RISK_CRITICAL, "deletes a whole home directory", 0},
	{"rm-home-files", RM, m_rm_home_files, RISK_HIGH, "deletes the files of a home directory", 0},
	{"rm-system", RM, m_rm_system, RISK_CRITICAL, "deletes a system directory", 0},
	{"rm-system-all-files", RM, m_rm_system_all_files, RISK_CRITICAL,
	 "deletes every file in a system directory", 0},
	{"rm-auth", RM, m_rm_auth, RISK_CRITICAL, "deletes the files that control logins", 0},
	{"rm-system-file", RM, m_rm_system_files, RISK_HIGH, "deletes system files", 0},
	{"rm-device", "rm unlink", m_rm_device, RISK_HIGH, "deletes a device node", 0},
	{"rm-cwd", RM, m_rm_cwd, RISK_HIGH,
	 "deletes everything in the current or parent directory", 0},
	{"rm-vcs", RM, m_rm_vcs, RISK_HIGH, "deletes version-control history (.git)", 0},
	{"rm-home-item", RM, m_rm_home_item, RISK_HIGH,
	 "deletes a top-level folder, keys or start-up files in the home directory", 0},
	{"rm-top-dir", RM, m_rm_top, RISK_HIGH,
	 "deletes a whole top-level directory (/data, /app): often all of a volume's data", 0},
	{"rm-var-root", RM, m_rm_var_root, RISK_HIGH,
	 "deletes below a variable that is not set here: empty, it would delete from /", 0},
	{"history-wipe", "rm unlink shred truncate", m_history_file, RISK_HIGH,
	 "erases the shell history", 0},
	{"rm-no-preserve-root", "rm", m_no_preserve_root, RISK_HIGH,
	 "turns off rm's guard against deleting /", 0},
	{"rm", RM " rmdir", m_any, RISK_MODERATE, "deletes files", RULE_FALLBACK},
	{"find-delete-all", "find", m_find_delete_all, RISK_CRITICAL,
	 "deletes every file below a system, home or root directory", 0},
	{"find-delete-wide", "find", m_find_delete_wide, RISK_HIGH,
	 "deletes many files below a wide or important directory", 0},
	{"write-device", "find", m_find_print_device, RISK_CRITICAL,
	 "writes over a disk or partition: its data is destroyed", 0},
	{"find-delete", "find", m_find_writes, RISK_MODERATE, "deletes or writes the files it finds",
	 RULE_FALLBACK},

	/* disks */
	{"dd-device", "dd dcfldd dc3dd", m_dd_device, RISK_CRITICAL,
	 "writes over a disk device, destroying its data", 0},
	{"dd-overwrite", "dd dcfldd dc3dd", m_dd_overwrite, RISK_HIGH,
	 "overwrites a file in place outside the project", 0},
	{"dd", "dd dcfldd dc3dd", m_dd_write, RISK_MODERATE, "writes raw data to a file",
	 RULE_FALLBACK},
	{"mkfs-device", "mkfs mkfs.* mke2fs mkswap newfs newfs_* mkdosfs mkntfs mkexfatfs "
	 "mformat zpool", m_any_device, RISK_CRITICAL, "formats a disk, destroying its data", 0},
	{"mkfs-unknown", "mkfs mkfs.* mke2fs mkswap newfs newfs_* mkdosfs mkntfs mkexfatfs",
	 m_unknown_target, RISK_HIGH, "formats a device named at run time", 0},
	{"mkfs", "mkfs mkfs.* mke2fs mkswap newfs newfs_* mkdosfs mkntfs mkexfatfs", m_any,
	 RISK_MODERATE, "creates a filesystem", RULE_FALLBACK},
	{"wipefs", "wipefs", m_wipefs, RISK_CRITICAL, "erases the filesystem signatures of a disk", 0},
	{"shred-device", "shred scrub srm", m_any_device, RISK_CRITICAL,
	 "overwrites a whole disk device", 0},
	{"discard-device", "blkdiscard", m_any_device, RISK_CRITICAL,
	 "discards every block of a disk: its data is gone", 0},
	{"erase-device", "cryptsetup nvme hdparm pvcreate badblocks mdadm asr gpart", m_erase_verb,
	 RISK_CRITICAL,
	 "erases or reformats a disk: everything on it is lost", 0},
	{"fs-repair", FS_REPAIR_PROGS, m_fs_repair, RISK_HIGH,
	 "repairs, resizes or retunes a filesystem in place: data can be lost, above all when "
	 "it is mounted", 0},
	{"partition-destroy", "sgdisk sfdisk parted fdisk gdisk", m_partition_destroy, RISK_CRITICAL,
	 "rewrites or erases a disk's partition table", 0},
	{"partition-edit", "fdisk gdisk cfdisk cgdisk parted sgdisk sfdisk", m_partition_edit,
	 RISK_HIGH, "edits a disk's partition table", 0},
	{"diskutil-erase", "diskutil", m_diskutil_erase, RISK_CRITICAL,
	 "erases or repartitions a disk", 0},
	{"extract-over-system", "tar gtar bsdtar unzip", m_extract_over, RISK_HIGH,
	 "unpacks an archive over /, a system directory or a home: files there are replaced",
	 0},
	{"write-device", "tar gtar bsdtar cpio zip", m_archive_device, RISK_CRITICAL,
	 "writes an archive over a disk device, destroying its data", 0},
	{"write-device", "tee cp mv install pv rsync", m_write_device, RISK_CRITICAL,
	 "writes over a disk device, destroying its data", 0},
	{"sysrq", "tee", m_write_sysrq, RISK_CRITICAL,
	 "writes to /proc/sysrq-trigger: an immediate kernel action (crash, reboot)", 0},

	/* system and start-up files */
	{"break-essential", "rm unlink shred truncate srm mv cp ln install tee dd dcfldd dc3dd chmod",
	 m_break_essential, RISK_CRITICAL,
	 "deletes, replaces or disables what the system needs to boot, run programs or give root",
	 0},
	{"truncate-auth", "tee sponge truncate cp ln install dd dcfldd dc3dd", m_truncate_auth,
	 RISK_CRITICAL,
	 "empties or overwrites a file that controls logins (passwd, shadow, sudoers)", 0},
	{"write-auth", WRITERS, m_write_auth, RISK_HIGH,
	 "changes a file that controls logins (passwd, shadow, sudoers)", 0},
	{"write-system-file", WRITERS, m_write_system, RISK_HIGH, "changes a system file", 0},
	{"ssh-login-key", "tee cp mv install rsync ln", m_login_keys, RISK_HIGH,
	 "changes which keys may log in to an account over ssh", 0},
	{"write-dotfile", "tee cp mv install truncate", m_write_dotfile, RISK_HIGH,
	 "overwrites a shell start-up file or keys in the home directory", 0},
	{"mv-auth", "mv", m_mv_auth, RISK_CRITICAL,
	 "moves away a file that controls logins (passwd, shadow, sudoers)", 0},
	{"mv-system", "mv", m_mv_top, RISK_CRITICAL, "moves away /, a system or a home directory", 0},
	{"mv-important", "mv", m_mv_important, RISK_HIGH,
	 "moves away keys, system files, repository history or a home folder", 0},
	{"mv-devnull", "mv cp", m_mv_devnull, RISK_HIGH, "replaces /dev/null", 0},
	{"rsync-delete-top", "rsync", m_rsync_delete_top, RISK_CRITICAL,
	 "mirrors a folder onto /, a system directory or a home with --delete: all else in it "
	 "is deleted", 0},
	{"rsync-move", "rsync", m_rsync_move, RISK_HIGH,
	 "deletes the source files as it copies them, from a home, / or a whole directory", 0},
	{"rsync-delete", "rsync", m_rsync_delete, RISK_HIGH,
	 "mirrors with --delete onto a home or system directory", 0},
	{"ln-system", "ln", m_ln_system, RISK_HIGH, "replaces a system file with a link", 0},
	{"history-wipe", "ln", m_ln_history, RISK_HIGH, "replaces the shell history with a link", 0},
	{"write-dotfile", "ln", m_ln_dotfile, RISK_HIGH,
	 "replaces a shell start-up file or key file in the home directory with a link", 0},
	{"sed-in-place", "sed perl", m_in_place, RISK_MODERATE, "edits files in place", 0},
	{"sed-exec", "sed", m_sed_exec, RISK_MODERATE, "sed script runs commands or writes files", 0},

	/* permissions */
	{"perm-root", "chmod chown chgrp chattr chflags setfacl", m_perm_root, RISK_CRITICAL,
	 "changes permissions or owners of everything under / or a system directory", 0},
	{"perm-local", "chmod chown chgrp setfacl", m_perm_local, RISK_HIGH,
	 "changes permissions or owners of all locally installed programs (in every user's PATH)",
	 0},
	{"perm-var-root", "chmod chown chgrp chattr chflags setfacl", m_perm_var_root, RISK_HIGH,
	 "changes permissions or owners of files anywhere below / (a path starting with a "
	 "variable not set here, or find searching from /)", 0},
	{"perm-home", "chmod chown chgrp setfacl", m_perm_home, RISK_HIGH,
	 "changes permissions or owners of a whole home directory", 0},
	{"perm-open", "chmod", m_perm_open, RISK_HIGH,
	 "makes files world-writable (or unreadable) recursively or in system paths", 0},
	{"perm-auth", "chmod chown chgrp chattr chflags setfacl", m_perm_auth, RISK_HIGH,
	 "changes permissions of the files that control logins", 0},
	{"setuid-shell", "chmod install", m_setuid_shell, RISK_HIGH,
	 "makes a shell or interpreter setuid: root for anyone who runs it", 0},
	{"setuid-open", "chmod install", m_setuid_open, RISK_HIGH,
	 "makes a file setuid and writable by anyone: its owner's rights for anyone", 0},
	{"setuid", "chmod install", m_setuid, RISK_MODERATE, "sets the setuid or setgid bit", 0},

	/* processes and power */
	{"kill-init", "kill", m_kill_init, RISK_CRITICAL, "kills init (PID 1): the system goes down", 0},
	{"kill-all", "kill", m_kill_all, RISK_HIGH, "kills every process it can (PID -1)", 0},
	{"kill-critical", "kill killall pkill", m_kill_critical, RISK_HIGH,
	 "kills a critical daemon (ssh, init, the display server)", 0},
	{"kill-user", "killall pkill slay", m_kill_user, RISK_HIGH,
	 "kills every process of a user", 0},
	{"kill-everything", "killall5", m_any, RISK_HIGH, "kills every process", 0},
	{"kill-everything", "pkill killall", m_kill_pattern_all, RISK_HIGH,
	 "kills every process it may: the pattern matches any name", 0},
	{"power", "shutdown reboot halt poweroff init telinit", m_shutdown, RISK_HIGH,
	 "shuts down or restarts the machine", 0},
	{"power", "systemctl launchctl loginctl", m_power, RISK_HIGH,
	 "shuts down or restarts the machine", 0},
	{"power", "systemctl", m_power_isolate, RISK_HIGH,
	 "switches to a rescue or shutdown target: services stop", 0},
	{"write-kernel", "sysctl", m_sysctl_write, RISK_HIGH, "changes kernel settings", 0},

	/* remote access and security */
	{"ssh-stop", "systemctl service launchctl", m_ssh_stop, RISK_HIGH,
	 "stops or disables the SSH server: remote access is lost", 0},
	{"firewall-stop", "systemctl service launchctl", m_fw_stop, RISK_HIGH,
	 "stops or disables the firewall or a security service", 0},
	{"network-stop", "systemctl service", m_net_stop, RISK_HIGH,
	 "stops the network service: remote access is lost", 0},
	{"core-stop", "systemctl service", m_core_stop, RISK_HIGH,
	 "stops a unit the system runs on (logins, message bus, logging, the session)", 0},
	{"network-down", "ifconfig ifdown ip nmcli", m_net_down, RISK_HIGH,
	 "takes the network down: remote access is lost", 0},
	{"network-config", "ifconfig nmcli", m_net_config, RISK_MODERATE,
	 "changes network settings", 0},
	{"firewall-flush", "iptables ip6tables iptables-legacy iptables-nft ip6tables-legacy "
	 "ip6tables-nft ebtables arptables", m_firewall_flush, RISK_HIGH,
	 "removes all firewall rules or opens the default policy", 0},
	{"mount-system", "mount", m_mount_system, RISK_HIGH,
	 "mounts over, or remounts read-only, / or a system directory", 0},
	{"umount-system", "umount", m_umount_system, RISK_HIGH,
	 "unmounts / or a system directory", 0},
	{"mount", "mount umount", m_mount_any, RISK_MODERATE, "mounts or unmounts a filesystem",
	 RULE_FALLBACK},
	{"firewall-drop-all", "iptables ip6tables iptables-legacy iptables-nft ip6tables-legacy "
	 "ip6tables-nft", m_firewall_drop_all, RISK_HIGH,
	 "drops all traffic no rule allows, remote sessions included", 0},
	{"firewall-flush", "nft", m_nft_flush, RISK_HIGH, "removes firewall rules", 0},
	{"firewall-off", "ufw", m_ufw_disable, RISK_HIGH, "turns the firewall off", 0},
	{"firewall-off", "pfctl", m_pf_disable, RISK_HIGH, "turns the packet filter off", 0},
	{"selinux-off", "setenforce", m_setenforce, RISK_HIGH, "turns SELinux enforcement off", 0},
	{"gatekeeper-off", "spctl", m_spctl_off, RISK_HIGH, "turns macOS Gatekeeper off", 0},
	{"sip-off", "csrutil", m_csrutil_off, RISK_HIGH, "turns macOS System Integrity Protection off",
	 0},
	{"history-wipe", "history", m_history_clear, RISK_HIGH, "erases the shell history", 0},
	{"history-off", "set", m_set_nohistory, RISK_MODERATE, "stops saving shell history", 0},
	{"crontab-remove", "crontab", m_crontab_remove, RISK_HIGH, "deletes the whole crontab", 0},
	{"userdel-home", "userdel deluser", m_userdel_home, RISK_HIGH,
	 "deletes a user together with their home directory", 0},
	{"passwd-empty", "passwd usermod", m_passwd_delete, RISK_HIGH,
	 "removes a password: the account opens without one", 0},
	{"root-account", "passwd usermod useradd chage chsh chpasswd", m_root_account, RISK_HIGH,
	 "changes the root account or makes another account with root's uid", 0},
	{"root-account", "dscl", m_dscl_root, RISK_HIGH,
	 "changes the root account or makes another account with root's uid", 0},
	{"account-delete", "dscl sysadminctl pw", m_account_delete, RISK_HIGH,
	 "deletes a user account", 0},
	{"grant-admin", "usermod gpasswd adduser addgroup", m_grant_admin, RISK_HIGH,
	 "makes a user an administrator (sudo, wheel, docker or disk group)", 0},
	{"setcap-root", "setcap", m_setcap_root, RISK_HIGH,
	 "gives a program root powers through capabilities", 0},
	{"pool-destroy", "zpool", m_destroy_verb, RISK_CRITICAL,
	 "destroys a storage pool and all the data in it", 0},
	{"dataset-destroy", "zfs", m_destroy_verb, RISK_HIGH,
	 "destroys a ZFS dataset or snapshot and its data", 0},
	{"bootloader", "grub-install grub2-install", m_any, RISK_HIGH,
	 "writes a boot loader: the wrong disk or settings leave the machine unable to boot", 0},
	{"firewall-drop-all", "firewall-cmd", m_firewall_panic, RISK_HIGH,
	 "drops all network traffic, remote sessions included", 0},
	{"kernel-module-file", "insmod kextload", m_any, RISK_HIGH,
	 "loads a kernel module from a file: its code runs inside the kernel", 0},
	{"kernel-module", "modprobe rmmod kextunload", m_any, RISK_MODERATE,
	 "loads or unloads a kernel module", 0},
	{"subvolume-delete", "btrfs", m_subvolume_delete, RISK_HIGH,
	 "deletes a btrfs subvolume and every file in it", 0},
	{"volume-remove", "lvremove vgremove pvremove", m_any, RISK_HIGH,
	 "removes an LVM volume and the data on it", 0},

	/* git */
	{"git-force-push-main", "git", m_git_force_main, RISK_CRITICAL,
	 "force-pushes over a main branch, rewriting shared history", 0},
	{"git-force-push", "git", m_git_force_push, RISK_HIGH,
	 "force-pushes, overwriting remote history", 0},
	{"git-push-delete", "git", m_git_push_delete, RISK_HIGH, "deletes remote branches", 0},
	{"git-reset-hard", "git", m_git_reset_hard, RISK_HIGH,
	 "discards commits and uncommitted changes", 0},
	{"git-clean", "git", m_git_clean, RISK_HIGH, "deletes untracked (and ignored) files", 0},
	{"git-rewrite", "git", m_git_rewrite, RISK_HIGH, "rewrites the repository's history", 0},
	{"git-branch-delete", "git", m_git_branch_main, RISK_HIGH,
	 "deletes a main branch or remote-tracking branches", 0},
	{"git-discard", "git", m_git_discard_all, RISK_HIGH,
	 "discards all uncommitted work or unreachable history", 0},

	/* containers, clusters, clouds */
	{"docker-prune-all", "docker podman nerdctl docker-compose", m_docker_prune_all, RISK_HIGH,
	 "deletes containers, images and volumes (data included)", 0},
	{"docker-rm-all", "docker podman nerdctl", m_docker_rm_all, RISK_HIGH,
	 "force-removes every container in a list, running ones too", 0},
	{"container-host-root", "docker podman nerdctl", m_docker_host_root, RISK_HIGH,
	 "gives a container the host's root filesystem or full privileges", 0},
	{"k8s-delete-wide", "kubectl oc", m_kube_delete_ns, RISK_HIGH,
	 "deletes a namespace, node, volume or cluster-wide resource", 0},
	{"k8s-delete-all", "kubectl oc", m_kube_delete_all, RISK_HIGH,
	 "deletes all resources of a kind", 0},
	{"wipe-data", WIPE_PROGS, m_wipe_form, RISK_HIGH,
	 "wipes a database, a cluster, a machine or published work", 0},
	{"infra-destroy", "terraform tofu pulumi cdk", m_infra_destroy, RISK_HIGH,
	 "destroys infrastructure", 0},
	{"k8s-scale-zero", "kubectl oc", m_kube_scale_zero, RISK_HIGH,
	 "stops every workload of a kind (scaled to zero replicas)", 0},
	{"cloud-expose", "aws gcloud az gsutil", m_cloud_expose, RISK_HIGH,
	 "opens a cloud resource to everyone, or grants owner or administrator rights", 0},
	{"cloud-delete", "aws gcloud az gsutil doctl gh glab heroku fly flyctl rclone", m_cloud_delete, RISK_HIGH,
	 "deletes cloud resources or data", 0},
	{"sql-destroy", SQL_CLIENTS, m_sql_destroy, RISK_HIGH,
	 "drops a database or table, or deletes or overwrites every row of one", 0},
	{"sql-write", SQL_CLIENTS, m_sql_any, RISK_MODERATE,
	 "runs SQL that changes data or schema, or SQL from a file", RULE_FALLBACK},
	{"redis-flush", "redis-cli valkey-cli", m_redis_flush, RISK_HIGH,
	 "deletes every key in Redis", 0},
	{"mongo-drop", "mongo mongosh", m_mongo_drop, RISK_HIGH,
	 "drops a MongoDB database or collection, or deletes every document of one", 0},
	{"db-drop", "dropdb dropuser", m_any, RISK_HIGH, "drops a database", 0},
	{"db-drop", "mysqladmin", m_mysqladmin_drop, RISK_HIGH, "drops a database", 0},

	/* packages */
	{"pkg-essential", "apt apt-get aptitude dnf yum microdnf tdnf zypper apk pacman dpkg rpm "
	 "snap", m_pkg_essential, RISK_CRITICAL, "removes a package the system cannot run without", 0},
	{"pkg-lockout", "apt apt-get aptitude dnf yum microdnf tdnf zypper apk pacman dpkg rpm "
	 "snap", m_pkg_lockout, RISK_HIGH,
	 "removes the SSH server or network configuration: remote access is lost", 0},
	{"pkg-force", "apt apt-get dnf yum zypper pacman dpkg rpm brew", m_pkg_force, RISK_HIGH,
	 "removes packages ignoring dependencies", 0},

	/* code: interpreters, fork bombs, reverse shells */
	{"fork-bomb", "python python2 python3 python3.* pypy pypy3 perl ruby node nodejs deno bun "
	 "php lua", m_code_fork_bomb, RISK_CRITICAL, "forks without end: a fork bomb", 0},
	{"reverse-shell", "python python2 python3 python3.* pypy pypy3 perl ruby node nodejs php "
	 "lua awk gawk", m_code_reverse_shell, RISK_HIGH,
	 "connects a shell to a network socket: a reverse shell", 0},
	{"code-shell", "python python2 python3 python3.* pypy pypy3 perl ruby node nodejs deno bun "
	 "php lua awk gawk mawk nawk expect tclsh R Rscript julia osascript", m_code_shell, RISK_SAFE,
	 "", 0},
	{"code-shell", "make gmake", m_make_code, RISK_SAFE, "", 0},
	{"code-delete", "python python2 python3 python3.* pypy pypy3 perl ruby node nodejs deno bun "
	 "php lua", m_code_delete, RISK_CRITICAL,
	 "code deletes /, a home or a system directory", 0},
	{"code-system-file", "python python2 python3 python3.* pypy pypy3 perl ruby node nodejs deno "
	 "bun php lua", m_code_system_file, RISK_HIGH,
	 "code deletes or overwrites a system file or one that controls logins", 0},
	{"inline-code", "python python2 python3 python3.* pypy pypy3 perl ruby node nodejs deno bun "
	 "php lua osascript pwsh powershell expect tclsh R Rscript julia", m_inline_code,
	 RISK_MODERATE, "runs inline code", 0},
	{"awk-exec", "awk gawk mawk nawk", m_awk_exec, RISK_MODERATE,
	 "awk program runs commands or writes files", 0},
	{"reverse-shell", "nc ncat netcat pwncat", m_nc_exec, RISK_HIGH,
	 "serves a program over the network: a reverse or bind shell", 0},
	{"reverse-shell", "socat", m_socat_exec, RISK_HIGH,
	 "connects a program to a network socket", 0},
	{"exfiltrate", "curl wget scp rsync sftp", m_exfil, RISK_HIGH,
	 "sends keys, credentials or the password database to another host", 0},
	{"download", "curl wget", m_download_file, RISK_MODERATE,
	 "downloads to a file or sends data to a server", 0},
};

const size_t safety_n_rules = ARRAY_SIZE(safety_rules);

/* ---- read-only and benign commands ------------------------------------ */

static bool ro_git(struct cmd *c)
{
	size_t i = git_sub(c);

	if (!i)
		return c->ac == 1 || cmd_has_long(c, "--version");
	if (cmd_has_arg(c, "--dry-run") || (sub_is(c, i, "clean") && cmd_has_short(c, 'n')))
		return true;
	if (sub_is(c, i, "status log diff show grep blame shortlog describe rev-parse ls-files "
			 "ls-tree ls-remote cat-file whatchanged rev-list name-rev for-each-ref "
			 "show-ref check-ignore count-objects fsck help version fetch reflog "
			 "show-branch cherry merge-base var verify-commit verify-tag range-diff"))
		return !sub_is(c, i, "reflog") || i + 1 >= c->ac || !strcmp(c->av[i + 1].s, "show");
	/* git branch -a lists; git tag -a creates an annotated tag. */
	if (sub_is(c, i, "branch"))
		return i + 1 >= c->ac || cmd_has_arg(c, "-a") || cmd_has_arg(c, "-r") ||
		       cmd_has_arg(c, "-v") || cmd_has_arg(c, "-vv") || cmd_has_arg(c, "--list") ||
		       cmd_has_arg(c, "-l") || cmd_has_long(c, "--show-current") ||
		       cmd_has_long(c, "--contains") || cmd_has_long(c, "--merged");
	if (sub_is(c, i, "tag"))
		return i + 1 >= c->ac || cmd_has_arg(c, "--list") || cmd_has_arg(c, "-l") ||
		       cmd_has_arg(c, "-v") || cmd_has_arg(c, "--verify") ||
		       cmd_has_long(c, "--contains") || cmd_has_long(c, "--merged") ||
		       cmd_has_long(c, "--points-at") || cmd_has_short(c, 'n');
	if (sub_is(c, i, "remote"))
		return i + 1 >= c->ac || !strcmp(c->av[i + 1].s, "-v") ||
		       !strcmp(c->av[i + 1].s, "show") || !strcmp(c->av[i + 1].s, "get-url");
	if (sub_is(c, i, "stash worktree submodule notes bisect"))
		return i + 1 < c->ac && safety_prog_in(c->av[i + 1].s, "list show status log view "
								  "visualize");
	if (sub_is(c, i, "config"))
		return cmd_has_arg(c, "--get") || cmd_has_arg(c, "--list") || cmd_has_arg(c, "-l") ||
		       cmd_has_long(c, "--get-all") || cmd_has_long(c, "--get-regexp");
	return false;
}

static bool ro_docker(struct cmd *c)
{
	size_t s2, i = docker_sub(c, &s2);

	if (!i)
		return true;
	/* exec: the command it runs in the container is checked itself. */
	if (sub_is(c, i, "ps images inspect logs version info stats top port history search diff "
			 "events exec"))
		return true;
	return s2 && sub_is(c, s2, "ls list ps logs inspect config images top version df exec");
}

static bool ro_kube(struct cmd *c)
{
	size_t i = kube_sub(c);

	if (sub_is(c, i, "get describe logs top explain version api-resources api-versions "
			 "cluster-info diff exec"))
		return true;
	if (sub_is(c, i, "config"))
		return i + 1 < c->ac && safety_prog_in(c->av[i + 1].s, "view get-contexts "
							   "current-context get-clusters");
	if (sub_is(c, i, "auth"))
		return i + 1 < c->ac && !strcmp(c->av[i + 1].s, "can-i");
	if (sub_is(c, i, "rollout"))
		return i + 1 < c->ac && safety_prog_in(c->av[i + 1].s, "status history");
	return false;
}

static bool ro_systemctl(struct cmd *c)
{
	size_t i = subcmd(c);

	return !i || sub_is(c, i, "status show list-units list-unit-files list-timers "
				  "list-sockets list-dependencies list-jobs is-active is-enabled "
				  "is-failed is-system-running cat get-default help");
}

static bool ro_pkg(struct cmd *c)
{
	size_t i = subcmd(c);

	if (!strcmp(c->prog, "apt-cache") || !strcmp(c->prog, "apt-file"))
		return true;
	if (!strcmp(c->prog, "dpkg") || !strcmp(c->prog, "dpkg-query"))
		return cmd_has_short(c, 'l') || cmd_has_short(c, 'L') || cmd_has_short(c, 's') ||
		       cmd_has_short(c, 'S') || cmd_has_long(c, "--list") || cmd_has_short(c, 'W') ||
		       cmd_has_long(c, "--get-selections") || cmd_has_long(c, "--print-architecture");
	if (!strcmp(c->prog, "rpm"))
		return cmd_has_short(c, 'q') || cmd_has_long(c, "--query");
	if (!strcmp(c->prog, "pacman"))
		return cmd_has_short(c, 'Q') || (cmd_has_short(c, 'S') && (cmd_has_short(c, 's') ||
									   cmd_has_short(c, 'i')));
	/* npm -v, go version, cargo version: versions (npm version patch
	 * bumps one). */
	if (!i)
		return c->ac == 2 && safety_prog_in(c->av[1].s, "-v -V --version");
	if (sub_is(c, i, "version"))
		return i + 1 == c->ac;
	if (!strcmp(c->prog, "brew") && sub_is(c, i, "services"))
		return i + 1 < c->ac && sub_is(c, i + 1, "list info");
	/* conda env list, go env GOPATH read; conda env remove, go env -w
	 * change. */
	if (sub_is(c, i, "env"))
		return (i + 1 < c->ac && sub_is(c, i + 1, "list export")) ||
		       (!strcmp(c->prog, "go") && !cmd_has_short(c, 'w') && !cmd_has_short(c, 'u'));
	return sub_is(c, i, "list search show info policy depends rdepends madison outdated tree "
			    "metadata "
			    "freeze check ls view config doctor deps desc uses leaves "
			    "repolist provides whatprovides history find why explain audit "
			    "home --version");
}

static bool ro_find(struct cmd *c)
{
	size_t i;

	for (i = 1; i < c->ac; i++)
		if (safety_prog_in(c->av[i].s, "-delete -fprint -fprint0 -fprintf -fls"))
			return false;
	return true;
}

static bool ro_sed(struct cmd *c)
{
	return m_in_place(c) < 0 && m_sed_exec(c) < 0;
}

static bool ro_awk(struct cmd *c)
{
	return m_awk_exec(c) < 0;
}

static bool ro_curl(struct cmd *c)
{
	return m_download_file(c) < 0;
}

static bool ro_sort(struct cmd *c)
{
	return !cmd_has_short(c, 'o') && !cmd_has_long(c, "--output");
}

static bool ro_date(struct cmd *c)
{
	return !cmd_has_short(c, 's') && !cmd_has_long(c, "--set");
}

static bool ro_tar(struct cmd *c)
{
	return cmd_has_short(c, 't') || cmd_has_long(c, "--list") ||
	       (c->ac > 1 && c->av[1].s[0] != '-' && strchr(c->av[1].s, 't'));
}

/* history lists; -d, -a, -r, -n, -s and -w change the list or a file
 * (-w to /dev/null writes nothing). */
static bool ro_history(struct cmd *c)
{
	int i = cmd_operand(c, 0);

	if (m_history_clear(c) >= 0 || cmd_has_short(c, 'd') || cmd_has_short(c, 'a') ||
	    cmd_has_short(c, 'r') || cmd_has_short(c, 'n') || cmd_has_short(c, 's'))
		return false;
	return !cmd_has_short(c, 'w') || (i >= 0 && safety_path(c, (size_t)i)->cls == PC_NULLDEV);
}

static bool ro_crontab(struct cmd *c)
{
	return cmd_has_short(c, 'l');
}

/* passwd -S: an account's password status. */
static bool ro_passwd(struct cmd *c)
{
	return (cmd_has_short(c, 'S') || cmd_has_long(c, "--status")) && m_root_account(c) < 0;
}

static bool ro_kill(struct cmd *c)
{
	return cmd_has_short(c, 'l') || cmd_has_short(c, 'L');
}

static bool ro_listing(struct cmd *c)
{
	return partition_listing(c) || (!strcmp(c->prog, "wipefs") && m_wipefs(c) < 0 &&
					!cmd_has_short(c, 'a'));
}

static bool ro_diskutil(struct cmd *c)
{
	size_t i = subcmd(c);

	return sub_is(c, i, "list info activity verifyVolume verifyDisk apfs") &&
	       m_diskutil_erase(c) < 0;
}

static bool ro_simple_sub(struct cmd *c)
{
	size_t i = subcmd(c);

	/* service NAME status; helm template renders, changes nothing. */
	if (!strcmp(c->prog, "service"))
		return !i || (i + 1 < c->ac && sub_is(c, i + 1, "status")) ||
		       cmd_has_long(c, "--status-all");
	if (!strcmp(c->prog, "helm") && sub_is(c, i, "template history lint"))
		return true;

	/* terraform state list|show read; state rm|mv|push change. */
	if (sub_is(c, i, "state") && i + 1 < c->ac && !sub_is(c, i + 1, "list show pull"))
		return false;

	return !i || sub_is(c, i, "status show list ls get describe version print info "
				  "--version -v plan output validate fmt graph providers state "
				  "check can-i print-default -l -L -S -n --list -s");
}

/* gzip -dc, xz -l, zstd -t: to stdout, a listing or a test; without
 * them a compressor replaces its input file. */
static bool ro_compress(struct cmd *c)
{
	return cmd_has_short(c, 'c') || cmd_has_long(c, "--stdout") ||
	       cmd_has_long(c, "--to-stdout") || cmd_has_short(c, 'l') ||
	       cmd_has_long(c, "--list") || cmd_has_short(c, 't') || cmd_has_long(c, "--test");
}

/* Tools whose listing subcommands read: vagrant status, crictl ps,
 * ctr images ls, hdiutil info. */
static bool ro_tool_listing(struct cmd *c)
{
	size_t i = subcmd(c);

	if (!strcmp(c->prog, "ctr"))
		return i + 1 < c->ac && sub_is(c, i, "images image containers container tasks "
							"task namespaces ns snapshots") &&
		       sub_is(c, i + 1, "ls list");
	return sub_is(c, i, "status global-status ps images inspect inspecti logs stats info "
			    "version pods ssh-config port box");
}

/* Cloud CLIs: ls, describe-*, list-*, get-* read. */
static bool ro_cloud(struct cmd *c)
{
	size_t i;

	/* gh api PATH: a GET, unless a method or fields say otherwise. */
	if (!strcmp(c->prog, "gh") && sub_is(c, subcmd(c), "api")) {
		struct optit it = OPTIT_INIT;
		struct opt o;

		while (opt_next(c, &it, &o))
			if (opt_is(&o, 'f', "raw-field") || opt_is(&o, 'F', "field") ||
			    opt_is(&o, 0, "input") ||
			    (opt_is(&o, 'X', "method") && (!o.val || strcasecmp(o.val, "GET"))))
				return false;
		return true;
	}
	if (!strcmp(c->prog, "rclone"))
		return sub_is(c, subcmd(c), "ls lsd lsl lsf lsjson size about tree cat check "
					    "cryptcheck md5sum sha1sum hashsum listremotes version");

	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (s[0] == '-')
			continue;
		if (!strcmp(s, "ls") || !strcmp(s, "list") || !strcmp(s, "describe") ||
		    !strncmp(s, "describe-", 9) || !strncmp(s, "list-", 5) || !strncmp(s, "get-", 4) ||
		    !strcmp(s, "get") || !strcmp(s, "show") || !strcmp(s, "whoami") ||
		    !strcmp(s, "view") || !strcmp(s, "status") || !strcmp(s, "checks") ||
		    (!strcmp(c->prog, "gsutil") && !strcmp(s, "cat")))
			return true;
		/* aws s3 cp s3://b/k -, gsutil cp gs://b/k -: to stdout. */
		if (!strcmp(s, "cp") && !strcmp(c->av[c->ac - 1].s, "-"))
			return true;
	}
	return false;
}

/* tmux and screen: listing, or opening or joining a session (an
 * interactive shell); killing or sending keys changes things. */
static bool ro_terminal(struct cmd *c)
{
	size_t i = subcmd(c);

	if (!strcmp(c->prog, "screen"))
		return !cmd_has_short(c, 'X') && !cmd_has_long(c, "-wipe");
	return !i || sub_is(c, i, "ls list-sessions list-windows list-panes list-clients "
			       "list-keys list-commands show-options show show-environment info "
			       "new new-session attach attach-session a at has-session "
			       "display-message capture-pane");
}

/* vim -R, view: read-only. */
static bool ro_editor(struct cmd *c)
{
	return !strcmp(c->prog, "view") || cmd_has_short(c, 'R') || cmd_has_short(c, 'M');
}

static bool ro_tee(struct cmd *c)
{
	int i;

	FOR_OPERANDS(c, i)
		if (safety_path(c, (size_t)i)->cls != PC_NULLDEV)
			return false;
	return true;
}

static bool ro_ip(struct cmd *c)
{
	size_t i;

	for (i = 1; i < c->ac; i++)
		if (safety_prog_in(c->av[i].s, "add del delete set flush change replace append "
					       "up down"))
			return false;
	return true;
}

static bool ro_sysctl(struct cmd *c)
{
	size_t i;

	if (cmd_has_short(c, 'w') || cmd_has_short(c, 'p') || cmd_has_long(c, "--write") ||
	    cmd_has_long(c, "--load"))
		return false;
	for (i = 1; i < c->ac; i++)
		if (strchr(c->av[i].s, '='))
			return false;
	return true;
}

static bool ro_dmesg(struct cmd *c)
{
	return !cmd_has_short(c, 'c') && !cmd_has_short(c, 'C') && !cmd_has_short(c, 'n') &&
	       !cmd_has_short(c, 'D') && !cmd_has_short(c, 'E');
}

static bool ro_journalctl(struct cmd *c)
{
	return !cmd_has_long(c, "--vacuum-size") && !cmd_has_long(c, "--vacuum-time") &&
	       !cmd_has_long(c, "--vacuum-files") && !cmd_has_long(c, "--rotate") &&
	       !cmd_has_long(c, "--flush");
}

static bool ro_hostname(struct cmd *c)
{
	return c->ac == 1 || cmd_has_short(c, 'I') || cmd_has_short(c, 'f') ||
	       cmd_has_short(c, 's') || cmd_has_short(c, 'i');
}

static bool ro_sudo_list(struct cmd *c)
{
	return cmd_has_short(c, 'l') || cmd_has_short(c, 'v') || cmd_has_short(c, 'k');
}

/* Tools whose reading forms are named by one argument anywhere. */
static bool ro_query_arg(struct cmd *c)
{
	size_t i;

	for (i = 1; i < c->ac; i++)
		if (str_startswith(c->av[i].s, "-list") || str_startswith(c->av[i].s, "-get") ||
		    safety_prog_in(c->av[i].s, "show stream -read -list list read -readall -g "
					       "--dns --get --nwi --proxy getifaddr getpacket "
					       "getoption ifcount -getcomputername status query"))
			return true;
	return false;
}

/* unzip -l|-t|-v|-Z|-p|-c lists, tests or prints; 7z l|t. Else they
 * write files. */
static bool ro_unzip(struct cmd *c)
{
	if (c->prog[0] == '7')
		return c->ac > 1 && safety_prog_in(c->av[1].s, "l t h i");
	return cmd_has_short(c, 'l') || cmd_has_short(c, 't') || cmd_has_short(c, 'v') ||
	       cmd_has_short(c, 'Z') || cmd_has_short(c, 'p') || cmd_has_short(c, 'c') ||
	       cmd_has_short(c, 'z');
}

/* hostnamectl, timedatectl, localectl: status and listings read; set-*
 * and a property given a value change. */
static bool ro_ctl_query(struct cmd *c)
{
	size_t i = subcmd(c);

	if (!i || sub_is(c, i, "status show list-timezones timesync-status show-timesync "
			       "list-locales list-keymaps list-x11-keymap-models "
			       "list-x11-keymap-layouts list-sessions list-users list-seats "
			       "show-session show-user show-seat session-status user-status "
			       "seat-status"))
		return true;
	return sub_is(c, i, "hostname icon-name chassis deployment location") && i + 1 >= c->ac;
}

static bool ro_smartctl(struct cmd *c)
{
	return !cmd_has_short(c, 't') && !cmd_has_short(c, 's') && !cmd_has_short(c, 'o') &&
	       !cmd_has_short(c, 'S') && !cmd_has_short(c, 'X') && !cmd_has_long(c, "--test") &&
	       !cmd_has_long(c, "--smart") && !cmd_has_long(c, "--offlineauto") &&
	       !cmd_has_long(c, "--saveauto") && !cmd_has_long(c, "--abort") &&
	       !cmd_has_long(c, "--set");
}

/* firewall-cmd with queries only: --list-*, --get-*, --query-*,
 * --info-*, --state. */
static bool ro_firewall_cmd(struct cmd *c)
{
	size_t i;

	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (str_startswith(s, "--zone") || str_startswith(s, "--permanent"))
			continue;
		if (!str_startswith(s, "--list") && !str_startswith(s, "--get") &&
		    !str_startswith(s, "--query") && !str_startswith(s, "--info") &&
		    strcmp(s, "--state") && strcmp(s, "--check-config"))
			return false;
	}
	return true;
}

/* Does the redis command named by word w (n bytes, next: the word after
 * it or NULL) only read? */
static bool redis_reads(const char *w, size_t n, const char *next, size_t nn)
{
	return word_is(w, n, "GET MGET KEYS SCAN HGET HMGET HGETALL HKEYS HVALS HLEN HEXISTS "
		       "HSCAN LRANGE LLEN LINDEX SMEMBERS SISMEMBER SCARD SSCAN ZRANGE "
		       "ZRANGEBYSCORE ZREVRANGE ZCARD ZSCORE ZRANK ZSCAN TTL PTTL TYPE EXISTS "
		       "STRLEN INFO PING DBSIZE MONITOR TIME XRANGE XLEN XINFO PUBSUB SLOWLOG "
		       "MEMORY OBJECT LASTSAVE ROLE ECHO GETRANGE BITCOUNT PFCOUNT GEOPOS "
		       "GEODIST") ||
	       (word_is(w, n, "CONFIG CLIENT") && next && word_is(next, nn, "GET LIST INFO GETNAME"));
}

/* redis-cli COMMAND... or commands on stdin that read (GET, KEYS, SCAN,
 * INFO...), key scans, or an interactive session. */
static bool ro_redis(struct cmd *c)
{
	int i = cmd_operand(c, 0);

	if (cmd_has_long(c, "--scan") || cmd_has_long(c, "--bigkeys") ||
	    cmd_has_long(c, "--memkeys") || cmd_has_long(c, "--stat") ||
	    cmd_has_long(c, "--latency") || cmd_has_long(c, "--latency-history"))
		return true;
	if (i >= 0)
		return redis_reads(c->av[i].s, c->av[i].len, i + 1 < (int)c->ac ? c->av[i + 1].s : NULL,
				   i + 1 < (int)c->ac ? c->av[i + 1].len : 0);
	if (c->in && c->in->kind == IN_TEXT && c->in->text) {
		const char *p = c->in->text, *e = p + c->in->text_len;

		/* One command a line: each must read. */
		while (p < e) {
			const char *eol = memchr(p, '\n', (size_t)(e - p)), *w, *w2;
			size_t n, n2;

			if (!eol)
				eol = e;
			w = p + strspn(p, " \t");
			n = strcspn(w, " \t\n");
			w2 = w + n + strspn(w + n, " \t");
			n2 = strcspn(w2, " \t\n");
			if (w < eol && !redis_reads(w, n, w2 < eol ? w2 : NULL, n2))
				return false;
			p = eol + 1;
		}
		return true;
	}
	return !c->in || c->in->kind == IN_NONE;
}

/* mongosh --eval CODE whose method calls all read (find, count,
 * aggregate without $out or $merge...), or an interactive session. */
static bool ro_mongo(struct cmd *c)
{
	static const char reads[] =
		"find findOne count countDocuments estimatedDocumentCount aggregate distinct "
		"getCollectionNames getCollectionInfos stats getIndexes explain limit sort skip "
		"toArray pretty forEach map printjson print version serverStatus hostInfo isMaster "
		"hello getName getSiblingDB getCollection getMongo getDBNames listCollections "
		"itcount size hasNext next projection batchSize";
	bool any = false;
	int i;
	size_t k;

	for (k = 1; k < c->ac; k++) {
		const char *s = c->av[k].s, *p;

		if (strcmp(s, "--eval") || k + 1 >= c->ac)
			continue;
		s = c->av[++k].s;
		if (strstr(s, "$out") || strstr(s, "$merge"))
			return false;
		any = true;
		for (p = strchr(s, '('); p; p = strchr(p + 1, '(')) {
			const char *b = p;
			char name[40];

			while (b > s && (isalnum((unsigned char)b[-1]) || b[-1] == '_'))
				b--;
			if (b == p || (size_t)(p - b) >= sizeof(name))
				continue;
			snprintf(name, sizeof(name), "%.*s", (int)(p - b), b);
			if (!safety_prog_in(name, reads))
				return false;
		}
	}
	/* No --eval: a script file is run, or a session opens. */
	FOR_OPERANDS(c, i)
		if (c->av[i].len > 3 && !strcmp(c->av[i].s + c->av[i].len - 3, ".js"))
			return false;
	return any || !c->in || c->in->kind == IN_NONE;
}

/* openssl writes files only where told to: -out, -keyout. */
static bool ro_openssl(struct cmd *c)
{
	size_t i;

	for (i = 1; i + 1 < c->ac; i++)
		if (safety_prog_in(c->av[i].s, "-out -keyout") &&
		    !safety_prog_in(c->av[i + 1].s, "- /dev/stdout /dev/null"))
			return false;
	return true;
}

/* gpg listing, verifying or printing; not importing, deleting, making or
 * signing keys, or writing files. */
static bool ro_gpg(struct cmd *c)
{
	size_t i;

	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (safety_prog_in(s, "--list-keys -k --list-secret-keys -K --list-sigs "
				      "--list-public-keys --fingerprint --verify --list-packets "
				      "--show-keys --check-sigs --card-status --version"))
			return true;
	}
	/* gpg -d FILE prints the plain text. */
	return (cmd_has_short(c, 'd') || cmd_has_long(c, "--decrypt")) && !cmd_has_short(c, 'o') &&
	       !cmd_has_long(c, "--output");
}

/* make -n (and -q) only says what it would do. */
static bool ro_make(struct cmd *c)
{
	return cmd_has_short(c, 'n') || cmd_has_short(c, 'q') || cmd_has_long(c, "--dry-run") ||
	       cmd_has_long(c, "--just-print") || cmd_has_long(c, "--recon") ||
	       cmd_has_long(c, "--question");
}

/* ssh-keygen -l (fingerprint), -F (look up a host), -B (bubblebabble),
 * -y (print a public key) only read. */
static bool ro_ssh_keygen(struct cmd *c)
{
	return cmd_has_short(c, 'l') || cmd_has_short(c, 'F') || cmd_has_short(c, 'B') ||
	       cmd_has_short(c, 'y');
}

/* fc -l lists history; fc alone edits and runs a command again. */
static bool ro_fc(struct cmd *c)
{
	return cmd_has_short(c, 'l');
}

/* Disk and volume tools in their reporting forms: blockdev --getsize64,
 * e2fsck -n, tune2fs -l, mdadm --detail, btrfs filesystem show. */
static bool ro_disk_query(struct cmd *c)
{
	size_t i;

	if (!strcmp(c->prog, "blockdev")) {
		for (i = 1; i < c->ac; i++)
			if (c->av[i].s[0] == '-' && !str_startswith(c->av[i].s, "--get") &&
			    strcmp(c->av[i].s, "--report") && strcmp(c->av[i].s, "-v"))
				return false;
		return true;
	}
	if (!strcmp(c->prog, "tune2fs"))
		return cmd_has_short(c, 'l') && c->ac == 3;
	if (!strcmp(c->prog, "mdadm"))
		return cmd_has_short(c, 'D') || cmd_has_long(c, "--detail") || cmd_has_short(c, 'E') ||
		       cmd_has_long(c, "--examine") || cmd_has_short(c, 'Q') ||
		       cmd_has_long(c, "--query");
	if (!strcmp(c->prog, "btrfs")) {
		i = subcmd(c);
		return sub_is(c, i, "filesystem fi subvolume sub device dev qgroup") &&
		       i + 1 < c->ac && sub_is(c, i + 1, "show df usage list stats du");
	}
	/* e2fsck -n, fsck -N: opened read-only, nothing fixed */
	return cmd_has_short(c, 'n') || cmd_has_short(c, 'N');
}

/* yq without -i, iconv without -o: they print. */
static bool ro_no_inplace(struct cmd *c)
{
	if (!strcmp(c->prog, "iconv"))
		return !cmd_has_short(c, 'o') && !cmd_has_long(c, "--output");
	return !cmd_has_short(c, 'i') && !cmd_has_long(c, "--inplace");
}

/* tcpdump without -w prints what it sees; ethtool IFACE and its query
 * options (-i, -S, -k...; -s, -K and the like change settings) show
 * them; iw ... info, link, list, scan, dump. */
static bool ro_net_query(struct cmd *c)
{
	size_t i;

	if (!strcmp(c->prog, "tcpdump"))
		return !cmd_has_short(c, 'w') && !cmd_has_short(c, 'z');
	if (!strcmp(c->prog, "iw")) {
		for (i = 1; i < c->ac; i++)
			if (safety_prog_in(c->av[i].s, "info link list scan dump show get"))
				return true;
		return c->ac == 1;
	}
	for (i = 1; i < c->ac; i++) {
		const char *s = c->av[i].s;

		if (s[0] == '-' && !str_startswith(s, "--show") &&
		    !safety_prog_in(s, "-i -S -k -g -a -c -l -m -T -P -d -e -h --driver --statistics "
				       "--version --help --module-info --dump-module-eeprom"))
			return false;
	}
	return true;
}

/* rsync -n, --dry-run: says what it would copy or delete. */
static bool ro_dry_run(struct cmd *c)
{
	return cmd_has_short(c, 'n') || cmd_has_long(c, "--dry-run");
}

/* macOS: security find-*|show-*|list-*, codesign -d|-v, plutil -p|-lint. */
static bool ro_mac_query(struct cmd *c)
{
	if (!strcmp(c->prog, "security"))
		return c->ac > 1 && (str_startswith(c->av[1].s, "find-") ||
				     str_startswith(c->av[1].s, "show-") ||
				     str_startswith(c->av[1].s, "list-"));
	if (!strcmp(c->prog, "codesign"))
		return (cmd_has_short(c, 'd') || cmd_has_short(c, 'v') ||
			cmd_has_long(c, "--display") || cmd_has_long(c, "--verify")) &&
		       !cmd_has_short(c, 's') && !cmd_has_long(c, "--sign");
	return (cmd_has_short(c, 'p') || cmd_has_arg(c, "-lint")) && !cmd_has_arg(c, "-convert") &&
	       !cmd_has_arg(c, "-replace") && !cmd_has_arg(c, "-insert") &&
	       !cmd_has_arg(c, "-remove");
}

/* mdutil -s, pkgutil --pkgs|--files|--pkg-info, tmutil list*|status,
 * gpart show|list|status. */
static bool ro_mac_listing(struct cmd *c)
{
	const char *s = c->ac > 1 ? c->av[1].s : "";

	if (!strcmp(c->prog, "mdutil"))
		return cmd_has_short(c, 's') && !cmd_has_short(c, 'E') && !cmd_has_short(c, 'i');
	if (!strcmp(c->prog, "pkgutil"))
		return safety_prog_in(s, "--pkgs --files --pkg-info --pkgs-plist --file-info "
					 "--export-plist --lsbom --payload-files --check-signature");
	return str_startswith(s, "list") || safety_prog_in(s, "status show machinedirectory "
							    "latestbackup destinationinfo isexcluded");
}

/* nc -z: a port scan that sends nothing. */
static bool ro_nc(struct cmd *c)
{
	return cmd_has_short(c, 'z') && m_nc_exec(c) < 0 && !cmd_has_short(c, 'l');
}

/* xdg-open, open (macOS) and the like hand each operand to the
 * desktop's default application: a web page or a document is shown,
 * which changes nothing. But a program handed over is started (open
 * x.command runs it in Terminal, a .desktop file runs its Exec line), and
 * so is an application named with -a or -b. Read-only when every operand
 * is a URL or a directory or a file whose extension names a document. */
static bool ro_open(struct cmd *c)
{
	static const char runs[] =
		" app command tool sh bash zsh csh ksh fish py pyw pl rb php js mjs jse vbs vbe wsf "
		"ps1 bat cmd com exe msi msix appx scr pif jar jnlp desktop appimage run bin "
		"pkg mpkg dmg deb rpm apk scpt applescript workflow terminal action "
		"prefpane saver webloc inetloc fileloc url lnk reg ";
	size_t i;
	bool any = false;

	for (i = 1; i < c->ac; i++) {
		const struct sword *w = &c->av[i];
		const char *s = w->s, *base, *dot;
		char ext[16];
		size_t k, el;

		if (!strcmp(s, "--"))
			continue;
		if (s[0] == '-') {
			/* -R reveals in the file manager, -g -W -n -F -j -h
			 * say how; -e and -t open in a text editor. */
			if (!safety_prog_in(s, "-R -g -W -n -F -j -e -t -f -u --reveal "
					       "--background --wait-apps --new --fresh --hide "))
				return false;
			continue;
		}
		if (w->flags & SW_DYNAMIC)
			return false;
		any = true;
		if (str_startswith(s, "http://") || str_startswith(s, "https://") ||
		    str_startswith(s, "mailto:"))
			continue;
		if (strstr(s, "://") && !str_startswith(s, "file://"))
			return false; /* a scheme handler (ssh://, vscode://) runs a program */
		base = strrchr(s, '/') ? strrchr(s, '/') + 1 : s;
		if (!*base || !strcmp(base, ".") || !strcmp(base, "..") || !strcmp(base, "~"))
			continue; /* a directory: the file manager shows it */
		dot = strrchr(base, '.');
		if (!dot || dot == base || !dot[1])
			return false; /* no extension: may be a program */
		el = strlen(dot + 1);
		if (el + 3 > sizeof(ext))
			return false;
		ext[0] = ' ';
		for (k = 0; k < el; k++)
			ext[k + 1] = (char)tolower((unsigned char)dot[1 + k]);
		ext[el + 1] = ' ';
		ext[el + 2] = '\0';
		if (strstr(runs, ext))
			return false;
	}
	return any;
}

/* ansible HOSTS -m ping|setup|debug, --list-hosts; salt TARGET
 * test.ping|grains.items...: ask the hosts, change nothing. */
static bool ro_fleet(struct cmd *c)
{
	struct optit it = OPTIT_INIT;
	struct opt o;
	size_t i;

	if (!strcmp(c->prog, "ansible")) {
		bool ok = false;

		while (opt_next(c, &it, &o)) {
			if (opt_is(&o, 0, "list-hosts"))
				return true;
			if (opt_is(&o, 'm', "module-name") && o.val)
				ok = safety_prog_in(o.val, "ping setup debug gather_facts "
							  "ansible.builtin.ping ansible.builtin.setup");
		}
		return ok;
	}
	for (i = 1; i < c->ac; i++)
		if (safety_prog_in(c->av[i].s, "test.ping test.version grains.items grains.get "
					       "pillar.items status.uptime"))
			return true;
	return false;
}

struct ro {
	const char *progs;
	bool (*ok)(struct cmd *c); /* NULL: always read-only or benign */
};

static const struct ro read_only[] = {
	{"ls ll la dir vdir cat tac less more head tail grep egrep fgrep rg ag ack zgrep zcat "
	 "bzcat xzcat zless lzcat zstdcat bat batcat nl wc file stat du df tree pwd echo printf "
	 "true false test [ [[ : which whereis type whatis apropos man info help tldr id whoami "
	 "groups who w uptime uname users last lastlog finger ps pgrep pstree top htop btop atop "
	 "free vmstat iostat mpstat lscpu lsusb lspci lsblk blkid lsof ss netstat ping ping6 "
	 "traceroute tracepath mtr dig nslookup host whois arp route ifconfig iwconfig nmcli "
	 "cut tr uniq comm cmp diff diff3 sdiff colordiff column fold fmt paste join rev "
	 "expand unexpand jq xq gron md5sum sha1sum sha224sum sha256sum sha384sum sha512sum "
	 "b2sum cksum sum shasum md5 base32 base64 basenc xxd od hexdump strings readlink "
	 "realpath basename dirname seq sleep yes expr bc dc factor cal ncal env printenv "
	 "locale getconf nproc tty stty tput clear reset cd pushd popd dirs set shopt alias "
	 "unalias export declare typeset local readonly unset read shift exit return wait "
	 "jobs fg bg hash umask ulimit times trap getopts logname "
	 "sw_vers system_profiler systeminfo lsb_release neofetch fastfetch screenfetch uname "
	 "mkdir touch mktemp findmnt lsmod modinfo getfacl lsattr namei look locate "
	 "mlocate plocate fd fdfind fzf sha3sum dmidecode lshw inxi sensors "
	 "acpi upower ioreg nettop nvidia-smi lsns lslocks lsipc pinky whereami "
	 "glxinfo xrandr xdpyinfo mdfind mdls lpstat nm objdump readelf ldd size "
	 "otool file-roller test-fs pr numfmt shuf tsort csplit split sleep units "
	 "ip6tables-save iptables-save nft-list ssh-add ssh-keyscan gpg-connect-agent "
	 "column http https xh uuidgen arch exa eza lsd glances ncdu gdu dust duf pipdeptree "
	 "csvlook csvstat lsb_release hwinfo pidof sar shellcheck say systemd-analyze "
	 "ansible-inventory", NULL},
	{"git", ro_git},
	{"docker podman nerdctl", ro_docker},
	{"kubectl oc", ro_kube},
	{"systemctl", ro_systemctl},
	{"apt apt-get aptitude apt-cache apt-file dnf yum zypper apk pacman dpkg dpkg-query rpm "
	 "brew port snap flatpak pip pip3 pipx npm pnpm yarn gem cargo go conda mamba poetry "
	 "uv composer", ro_pkg},
	{"find", ro_find},
	{"sed", ro_sed},
	{"awk gawk mawk nawk", ro_awk},
	{"curl wget", ro_curl},
	{"sort", ro_sort},
	{"date", ro_date},
	{"tar bsdtar", ro_tar},
	{"zipinfo", NULL},
	{"unzip 7z 7za", ro_unzip},
	{"hostnamectl timedatectl localectl loginctl", ro_ctl_query},
	{"smartctl", ro_smartctl},
	{"firewall-cmd", ro_firewall_cmd},
	{"redis-cli valkey-cli", ro_redis},
	{"mongo mongosh", ro_mongo},
	{"openssl", ro_openssl},
	{"ansible salt", ro_fleet},
	{"xdg-open open gnome-open kde-open kde-open5 wslview sensible-browser x-www-browser "
	 "www-browser", ro_open},
	{"gpg gpg2", ro_gpg},
	{"make gmake", ro_make},
	{"nc ncat netcat", ro_nc},
	{"history", ro_history},
	{"ssh-keygen", ro_ssh_keygen},
	{"blockdev tune2fs mdadm btrfs e2fsck fsck fsck.ext2 fsck.ext3 fsck.ext4", ro_disk_query},
	{"pvs vgs lvs pvdisplay vgdisplay lvdisplay dumpe2fs xfs_info", NULL},
	{"rsync", ro_dry_run},
	{"yq iconv", ro_no_inplace},
	{"tcpdump ethtool iw", ro_net_query},
	{"security codesign plutil", ro_mac_query},
	{"fs_usage freebsd-version", NULL},
	{"mdutil pkgutil tmutil gpart", ro_mac_listing},
	{"fc", ro_fc},
	{"crontab chage", ro_crontab},
	{"passwd", ro_passwd},
	{"kill", ro_kill},
	{"fdisk sfdisk parted sgdisk gdisk wipefs", ro_listing},
	{"diskutil", ro_diskutil},
	{SQL_CLIENTS, ro_sql},
	{"terraform tofu pulumi helm ufw iptables ip6tables nft launchctl service spctl csrutil "
	 "setenforce getenforce sestatus zpool zfs etcdctl", ro_simple_sub},
	{"aws gcloud az gsutil doctl gh rclone", ro_cloud},
	{"vagrant crictl ctr hdiutil", ro_tool_listing},
	{"gzip gunzip bzip2 bunzip2 xz unxz zstd unzstd lz4 pigz", ro_compress},
	{"tmux screen", ro_terminal},
	{"vim vi nvim view", ro_editor},
	{"tee", ro_tee},
	{"ip", ro_ip},
	{"sysctl", ro_sysctl},
	{"dmesg", ro_dmesg},
	{"journalctl", ro_journalctl},
	{"hostname", ro_hostname},
	{"sudo", ro_sudo_list},
	{"ssh mosh", NULL},
	{"gzcat zdiff zcmp getent vm_stat memory_pressure sw_vers uptime ioreg diskutil-list "
	 "nslookup pbpaste", NULL},
	{"log dscl pmset scutil ipconfig systemsetup resolvectl networksetup defaults pactl "
	 "wpctl", ro_query_arg},
};

bool safety_read_only(struct cmd *c, int ro)
{
	return ro >= 0 && (!read_only[ro].ok || read_only[ro].ok(c));
}

/* ---- the program index ------------------------------------------------ */

/* Every name in the tables above in a hash index, so that a command costs
 * one probe instead of a scan of every list. Names ending in * are
 * prefixes and are kept apart (there are few). Building it costs about
 * 140k instructions, a quarter of a whole `caro check` process, so it is
 * built at build time: tools/safety_gen.c calls safety_index_build and
 * writes the result as const data (build/gen/safety_index.c), which caro
 * uses. The generator itself is built with SAFETY_INDEX_RUNTIME, which
 * builds the index on first use instead (see lib/safety/module.mk). */
uint32_t safety_name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h & (SAFETY_INDEX_BUCKETS - 1);
}

struct index_build {
	struct buf pool;
	struct safety_pentry *entries, *prefixes;
	size_t n_entries, n_prefixes, cap_entries, cap_prefixes;
};

static void add_names(struct index_build *b, const char *list, short rule, short ro, short opt,
		      unsigned cls)
{
	const char *p = list;

	while (*p) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len) {
			bool prefix = p[len - 1] == '*';
			struct safety_pentry **arr = prefix ? &b->prefixes : &b->entries;
			size_t *n = prefix ? &b->n_prefixes : &b->n_entries;
			size_t *cap = prefix ? &b->cap_prefixes : &b->cap_entries;

			if (*n == *cap) {
				*cap = *cap ? *cap * 2 : 512;
				*arr = xrealloc(*arr, *cap * sizeof(**arr));
			}
			(*arr)[*n] = (struct safety_pentry){(uint32_t)b->pool.len,
							    (unsigned char)(prefix ? len - 1 : len),
							    rule, ro, opt, cls, -1};
			buf_add(&b->pool, p, (*arr)[*n].len);
			(*n)++;
		}
		if (!e)
			break;
		p = e + 1;
	}
}

void safety_index_build(struct safety_index *ix)
{
	struct index_build b = {BUF_INIT, NULL, NULL, 0, 0, 0, 0};
	int *head = xmalloc(SAFETY_INDEX_BUCKETS * sizeof(*head));
	int tail[SAFETY_INDEX_BUCKETS];
	size_t k;

	for (k = 0; k < safety_n_rules; k++)
		add_names(&b, safety_rules[k].progs, (short)k, -1, -1, 0);
	for (k = 0; k < ARRAY_SIZE(read_only); k++)
		add_names(&b, read_only[k].progs, -1, (short)k, -1, 0);
	for (k = 0; k < ARRAY_SIZE(classes); k++)
		add_names(&b, classes[k].progs, -1, -1, -1, classes[k].cls);
	for (k = 0; k < ARRAY_SIZE(safety_optspecs); k++)
		if (!safety_optspecs[k].sub)
			add_names(&b, safety_optspecs[k].progs, -1, -1, (short)k, 0);
	for (k = 0; k < SAFETY_INDEX_BUCKETS; k++)
		head[k] = tail[k] = -1;
	/* Chains keep insertion order, so a program's rules come out in
	 * table order. */
	for (k = 0; k < b.n_entries; k++) {
		uint32_t h = safety_name_hash(b.pool.s + b.entries[k].off, b.entries[k].len);

		if (tail[h] < 0)
			head[h] = (int)k;
		else
			b.entries[tail[h]].next = (int)k;
		tail[h] = (int)k;
	}
	ix->pool = buf_detach(&b.pool);
	ix->entries = b.entries;
	ix->prefixes = b.prefixes;
	ix->n_entries = b.n_entries;
	ix->n_prefixes = b.n_prefixes;
	ix->bucket_head = head;
}

#ifdef SAFETY_INDEX_RUNTIME
static struct safety_index built;
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static void build_once(void)
{
	safety_index_build(&built);
}

static const struct safety_index *the_index(void)
{
	pthread_once(&index_once, build_once);
	return &built;
}
#else
static const struct safety_index *the_index(void)
{
	return &safety_index_compiled;
}
#endif

static void take(struct prog_info *pi, const struct safety_pentry *e)
{
	pi->cls |= e->cls;
	if (e->rule >= 0 && pi->n_rules < PROG_MAX_RULES)
		pi->rules[pi->n_rules++] = (unsigned short)e->rule;
	if (e->ro >= 0 && (pi->ro < 0 || e->ro < pi->ro))
		pi->ro = e->ro;
	if (e->opt >= 0 && pi->opt < 0)
		pi->opt = e->opt;
	if (e->rule >= 0 || e->ro >= 0)
		pi->known = true;
}

static int cmp_ushort(const void *a, const void *b)
{
	return (int)*(const unsigned short *)a - (int)*(const unsigned short *)b;
}

void safety_lookup(const char *prog, struct prog_info *pi)
{
	const struct safety_index *ix = the_index();
	size_t n = strlen(prog), k;

	memset(pi, 0, offsetof(struct prog_info, rules));
	pi->ro = -1;
	pi->opt = -1;
	if (n > 255)
		return;
	for (int i = ix->bucket_head[safety_name_hash(prog, n)]; i >= 0; i = ix->entries[i].next)
		if (ix->entries[i].len == n && !memcmp(ix->pool + ix->entries[i].off, prog, n))
			take(pi, &ix->entries[i]);
	for (k = 0; k < ix->n_prefixes; k++)
		if (n >= ix->prefixes[k].len &&
		    !memcmp(ix->pool + ix->prefixes[k].off, prog, ix->prefixes[k].len))
			take(pi, &ix->prefixes[k]);
	if (ix->n_prefixes && pi->n_rules > 1)
		qsort(pi->rules, pi->n_rules, sizeof(pi->rules[0]), cmp_ushort);
}
