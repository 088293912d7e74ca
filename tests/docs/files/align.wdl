version 1.0

workflow align {
  input {
    String greeting = "hello"
  }
  call say { input: text = greeting }
  output {
    String message = say.out
  }
}

task say {
  input {
    String text
  }
  command <<<
    echo "~{text} from the fleetops.cloud demo"
  >>>
  output {
    String out = read_string(stdout())
  }
  runtime {
    docker: "busybox:1.36"
  }
}
