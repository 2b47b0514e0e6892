/**
 * Names: interfaces (hostname.if file names, netstart, ifconfig, pf), pf anchors, pf tags, sysctl MIBs
 * and rc.d services. One rule per kind of name, used by the components, the planner and the provider.
 */
import { aString, Refusal, refuseUnsafe, type TokenRule } from "./refusal";

/** IFNAMSIZ is 16 (with the NUL). */
const IFNAMSIZ = 16;

/**
 * An interface name: a driver (letters) and a unit number, e.g. `em0`, `carp1` — what netstart(8) accepts
 * as `/etc/hostname.IF` (`+([[:alpha:]])+([[:digit:]])`; anything else is skipped at boot), at most 15 bytes.
 */
export const interfaceName: TokenRule = (v) => {
  const s = aString(v, "an interface name", "em0");
  refuseUnsafe(s, "an interface name", "give a driver name and unit number, e.g. `em0`");
  if (!/^[a-z]+[0-9]+$/.test(s)) throw new Refusal("not an interface name (driver letters then a unit number; netstart skips any other /etc/hostname.IF)", "write e.g. `em0`, `carp1`, `gif0`");
  if (s.length >= IFNAMSIZ) throw new Refusal(`longer than ${IFNAMSIZ - 1} bytes (IFNAMSIZ)`, "use the interface's real name, e.g. `em0`");
  if (/^[a-z]+0[0-9]+$/.test(s)) throw new Refusal("a unit number with a leading zero names no interface", `write \`${s.replace(/^([a-z]+)0+(?=\d)/, "$1")}\``);
  return s;
};

/** An interface of one driver (`carp` → `carp1`). */
export function interfaceOf(driver: string): TokenRule {
  return (v) => {
    const s = interfaceName(v);
    if (!new RegExp(`^${driver}[0-9]+$`).test(s)) throw new Refusal(`not a ${driver} interface`, `use \`${driver}N\`, e.g. \`${driver}1\``);
    return s;
  };
}

/** PF_ANCHOR_NAME_SIZE is 64 (with the NUL). */
const ANCHOR_MAX = 63;

/**
 * A pf anchor name as this project uses it: `anchor "NAME"` in pf.conf and the file /etc/pf.anchors/NAME.
 * Letters, digits, `_`, `.`, `-`; not starting with `_` (pfctl: "anchor names beginning with '_' are
 * reserved for internal use") nor `.` (no hidden file, no `..`); no `/` (one file per anchor); ≤ 63 bytes.
 */
export const anchorName: TokenRule = (v) => {
  const s = aString(v, "an anchor name", "web");
  refuseUnsafe(s, "pf.conf", "use letters, digits, `_`, `.` and `-`");
  if (s === "") throw new Refusal("empty (pfctl: anchor name must not be empty)", "give a name, e.g. `web`");
  if (s.startsWith("_")) throw new Refusal("pfctl reserves anchor names beginning with `_` for internal use", `drop the \`_\`, e.g. \`${s.replace(/^_+/, "") || "web"}\``);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(s)) throw new Refusal("an anchor name is letters, digits, `_`, `.` and `-`, starting with a letter or digit (it is also the file /etc/pf.anchors/NAME)", "choose e.g. `web` or `web.v2`");
  if (s.length > ANCHOR_MAX) throw new Refusal(`longer than ${ANCHOR_MAX} bytes (PF_ANCHOR_NAME_SIZE)`, "choose a shorter name");
  return s;
};

/** PF_TAG_NAME_SIZE is 64 (with the NUL). */
const TAG_MAX = 63;

/** A pf tag (`tag NAME` in ipsec.conf/iked.conf, `tagged NAME` in pf.conf): letters, digits, `_`, `.`, `-`, ≤ 63 bytes. */
export const tagName: TokenRule = (v) => {
  const s = aString(v, "a tag name", "net1-to-net2");
  refuseUnsafe(s, "a pf tag", "use letters, digits, `_`, `.` and `-`");
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(s)) throw new Refusal("a tag is letters, digits, `_`, `.` and `-` (it is written unquoted in ipsec.conf, iked.conf and pf.conf)", "choose e.g. `net1-to-net2`");
  // the parsers' lexers read a word of digits only as a number: `tag 0` is a syntax error in all three files
  if (/^[0-9]+$/.test(s)) throw new Refusal("a tag of digits only is read as a number by ipsecctl, iked and pfctl (`tag 0`: syntax error)", `add a letter, e.g. \`t${s}\``);
  if (s.length > TAG_MAX) throw new Refusal(`longer than ${TAG_MAX} bytes (PF_TAG_NAME_SIZE)`, "choose a shorter tag");
  return s;
};

/** A sysctl MIB name as written in /etc/sysctl.conf and to sysctl(8): dotted lower-case words, e.g. `net.inet.ip.forwarding`. */
export const sysctlName: TokenRule = (v) => {
  const s = aString(v, "a sysctl name", "net.inet.ip.forwarding");
  refuseUnsafe(s, "/etc/sysctl.conf", "use a dotted MIB such as `net.inet.ip.forwarding`");
  if (!/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/.test(s) || s.length > 128) throw new Refusal("not a sysctl MIB name", "use a dotted MIB such as `net.inet.ip.forwarding`");
  return s;
};

/** A sysctl value as written after `=` in /etc/sysctl.conf: one word of letters, digits and `_.,:/+-` (no `#`, which starts a comment). */
/** The longest sysctl value written: kern.hostname's 255 bytes (MAXHOSTNAMELEN 256). */
export const SYSCTL_VALUE_MAX = 255;

export const sysctlValue: TokenRule = (v) => {
  const s = typeof v === "number" && Number.isFinite(v) ? String(v) : aString(v, "a sysctl value", "1");
  refuseUnsafe(s, "/etc/sysctl.conf", "give one word such as `1`");
  if (!/^[A-Za-z0-9_.,:/+-]+$/.test(s)) throw new Refusal("a sysctl value is one word of letters, digits and `_.,:/+-` (no spaces, `#` starts a comment)", "give e.g. `1`");
  if (s.length > SYSCTL_VALUE_MAX) throw new Refusal(`longer than ${SYSCTL_VALUE_MAX} bytes (the longest string a sysctl takes, kern.hostname, is MAXHOSTNAMELEN-1)`, "give the value the MIB takes, e.g. `1`");
  return s;
};

/**
 * An rc.d service name (rcctl, /etc/rc.conf.local `NAME_flags=`): rc.subr `_rc_check_name` accepts
 * `+([_[:alpha:]])+(|[_[:alnum:]])`; this project also requires lower case, like every rc.d script.
 */
export const serviceName: TokenRule = (v) => {
  const s = aString(v, "a service name", "ntpd");
  refuseUnsafe(s, "rc.conf.local", "use the rc.d script's name, e.g. `ntpd`");
  if (!/^[a-z_][a-z0-9_]*$/.test(s) || s.length > 64) throw new Refusal("not an rc.d service name (lower-case letters, digits and `_`, not starting with a digit)", "use the rc.d script's name, e.g. `ntpd`");
  // a name every JavaScript object answers to (`services.__proto__` sets the map's prototype instead of a service):
  // no rc.d script has one
  if (s in Object.prototype) throw new Refusal("not an rc.d service name (a name of JavaScript's own object properties, which a services map cannot hold)", "use the rc.d script's name, e.g. `ntpd`");
  return s;
};

/**
 * A user or group name (the SSH login user, a file's owner and group): passwd(5) names as useradd(8)
 * takes them, lower-case letters, digits, `_`, `.` and `-`, not starting with a digit, `.` or `-`,
 * at most 32 bytes.
 */
export const userName: TokenRule = (v) => {
  const s = aString(v, "a user name", "root");
  if (!/^[a-z_][a-z0-9_.-]{0,31}$/.test(s)) throw new Refusal("not a user name", "give e.g. `root`");
  return s;
};
