version 1.0
workflow hello {
  call prepare
  call align
  call report
}
