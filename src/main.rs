fn main() -> std::process::ExitCode {
    tsh_review::main()
}
