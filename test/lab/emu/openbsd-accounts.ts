/**
 * The accounts every OpenBSD host has: the users of /etc/master.passwd and the groups of /etc/group as OpenBSD
 * installs them (OpenBSD-current's src/etc/master.passwd and src/etc/group, 66 users and 87 groups).
 * The lab's `pfctl` looks `user NAME` and `group NAME` up here, as pfctl's getpwnam()/getgrnam() would on a
 * gateway; a user the gateway added is the gateway's own (PfctlNvOptions.userId).
 */

/** User name → uid. */
export const OPENBSD_USERS: Readonly<Record<string, number>> = {
  root: 0, daemon: 1, operator: 2, bin: 3, build: 21, sshd: 27, _portmap: 28, _identd: 29, _rstatd: 30, _rusersd: 32,
  _fingerd: 33, _x11: 35, _unwind: 48, _traceroute: 50, _ping: 51, _unbound: 53, _dpb: 54, _pbuild: 55, _pfetch: 56,
  _pkgfetch: 57, _pkguntar: 58, _spamd: 62, www: 67, _isakmpd: 68, "_rpki-client": 70, _bgplgd: 71, _syslogd: 73,
  _pflogd: 74, _bgpd: 75, _tcpdump: 76, _dhcp: 77, _mopd: 78, _tftpd: 79, _rbootd: 80, _ppp: 82, _ntp: 83, _ftp: 84,
  _ospfd: 85, _hostapd: 86, _dvmrpd: 87, _ripd: 88, _relayd: 89, _ospf6d: 90, _snmpd: 91, _ypldap: 93, _rad: 94,
  _smtpd: 95, _rwalld: 96, _nsd: 97, _ldpd: 98, _sndio: 99, _ldapd: 100, _iked: 101, _iscsid: 102, _smtpq: 103,
  _file: 104, _radiusd: 105, _eigrpd: 106, _vmd: 107, _tftp_proxy: 108, _ftp_proxy: 109, _sndiop: 110,
  _syspatch: 112, _slaacd: 115, _dhcp6leased: 116, nobody: 32767,
};

/** Group name → gid. */
export const OPENBSD_GROUPS: Readonly<Record<string, number>> = {
  wheel: 0, daemon: 1, kmem: 2, sys: 3, tty: 4, operator: 5, bin: 7, wsrc: 9, users: 10, auth: 11, games: 13,
  staff: 20, wobj: 21, sshd: 27, _portmap: 28, _identd: 29, _rstatd: 30, guest: 31, _rusersd: 32, _fingerd: 33,
  _sshagnt: 34, _x11: 35, utmp: 45, _unwind: 48, _traceroute: 50, _ping: 51, _unbound: 53, _dpb: 54, _pbuild: 55,
  _pfetch: 56, _pkgfetch: 57, _pkguntar: 58, _spamd: 62, _radius: 63, _token: 64, _shadow: 65, crontab: 66, www: 67,
  _isakmpd: 68, network: 69, "_rpki-client": 70, _bgplgd: 71, authpf: 72, _syslogd: 73, _pflogd: 74, _bgpd: 75,
  _tcpdump: 76, _dhcp: 77, _mopd: 78, _tftpd: 79, _rbootd: 80, _ppp: 82, _ntp: 83, _ftp: 84, _ospfd: 85,
  _hostapd: 86, _dvmrpd: 87, _ripd: 88, _relayd: 89, _ospf6d: 90, _snmpd: 91, _agentx: 92, _ypldap: 93, _rad: 94,
  _smtpd: 95, _rwalld: 96, _nsd: 97, _ldpd: 98, _sndio: 99, _ldapd: 100, _iked: 101, _iscsid: 102, _smtpq: 103,
  _file: 104, _radiusd: 105, _eigrpd: 106, _vmd: 107, _tftp_proxy: 108, _ftp_proxy: 109, _sndiop: 110,
  _syspatch: 112, _slaacd: 115, _dhcp6leased: 116, dialer: 117, _shutdown: 118, nogroup: 32766, nobody: 32767,
};
